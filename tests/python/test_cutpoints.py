"""Unit tests of splitsim-profile's cut-point finder (tools/
splitsim_profile_lib.py) on hand-made graphs: a chain, residual blocks, a
concatenation, side-effect nodes and non-tensor values.

Run from the repository root:  python3 -m unittest discover -s tests/python
The torch.fx tests are skipped when PyTorch is not installed."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools"))

import splitsim_profile_lib as lib  # noqa: E402

try:
    import torch
    import torch.fx
    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False


def users_from_edges(n, edges):
    """users list for nodes 0..n-1 from (producer, consumer) pairs."""
    users = [[] for _ in range(n)]
    for p, c in edges:
        users[p].append(c)
    return users


class PureCutPoints(unittest.TestCase):
    """cut_points_from_uses on use lists written by hand."""

    def cuts(self, n, edges, veto=None):
        return lib.cut_points_from_uses(n, users_from_edges(n, edges), veto)

    def test_chain_every_node_is_a_cut(self):
        # x -> a -> b -> c -> output
        self.assertEqual(self.cuts(5, [(0, 1), (1, 2), (2, 3), (3, 4)]),
                         [1, 2, 3])
        self.assertEqual(lib.blocks_from_cuts([1, 2, 3], 5),
                         [(1, 1), (2, 2), (3, 3)])

    def test_residual_block_is_never_cut(self):
        # 0 x, 1 conv1, 2 relu, 3 conv2, 4 add(3, 1), 5 relu, 6 output
        edges = [(0, 1), (1, 2), (2, 3), (3, 4), (1, 4), (4, 5), (5, 6)]
        cuts = self.cuts(7, edges)
        self.assertEqual(cuts, [1, 4, 5])
        self.assertEqual(lib.blocks_from_cuts(cuts, 7),
                         [(1, 1), (2, 4), (5, 5)])

    def test_identity_shortcut_from_the_input(self):
        # 0 x, 1 conv(x), 2 add(1, x), 3 output: the input crosses node 1
        self.assertEqual(self.cuts(4, [(0, 1), (1, 2), (0, 2), (2, 3)]), [2])

    def test_concatenation_of_branches(self):
        # 0 x, 1 stem, 2 b1, 3 b2, 4 b3a, 5 b3b, 6 cat(2, 3, 5), 7 fc, 8 out
        edges = [(0, 1), (1, 2), (1, 3), (1, 4), (4, 5), (2, 6), (3, 6),
                 (5, 6), (6, 7), (7, 8)]
        cuts = self.cuts(9, edges)
        self.assertEqual(cuts, [1, 6, 7])
        self.assertEqual(lib.blocks_from_cuts(cuts, 9),
                         [(1, 1), (2, 6), (7, 7)])

    def test_node_without_users_is_not_a_cut(self):
        # 0 x, 1 a, 2 assert (no users), 3 b(1), 4 output
        cuts = self.cuts(5, [(0, 1), (1, 3), (3, 4)])
        self.assertEqual(cuts, [1, 3])
        self.assertEqual(lib.blocks_from_cuts(cuts, 5), [(1, 1), (2, 3)])

    def test_nothing_crossing_is_not_a_cut(self):
        # 0 x, 1 a, 2 sink(1) without users, 3 constant, 4 output(3): after
        # node 2 no value crosses at all, so there is nothing to send
        self.assertEqual(self.cuts(5, [(0, 1), (1, 2), (3, 4)]), [1, 3])

    def test_veto_merges_blocks(self):
        edges = [(0, 1), (1, 2), (2, 3), (3, 4)]
        self.assertEqual(self.cuts(5, edges, lambda i: i != 2), [1, 3])

    def test_tuple_output_last_block_ends_before_output(self):
        # 0 x, 1 a, 2 b(1), 3 output((1, 2)): node 2 is not a cut
        cuts = self.cuts(4, [(0, 1), (1, 2), (1, 3), (2, 3)])
        self.assertEqual(cuts, [1])
        self.assertEqual(lib.blocks_from_cuts(cuts, 4), [(1, 1), (2, 2)])

    def test_not_topological_is_refused(self):
        with self.assertRaises(ValueError):
            lib.cut_points_from_uses(3, [[1], [0], []])

    def test_blocks_need_an_operation(self):
        with self.assertRaises(ValueError):
            lib.blocks_from_cuts([], 2)

    def test_percentiles_interpolate(self):
        s = [5.0, 1.0, 3.0, 2.0, 4.0]
        self.assertAlmostEqual(lib.percentile(s, 10), 1.4)
        self.assertAlmostEqual(lib.percentile(s, 90), 4.6)
        self.assertEqual(lib.summarize(s)["median"], 3.0)
        self.assertEqual(lib.percentile([7.0], 90), 7.0)


@unittest.skipUnless(HAVE_TORCH, "python3-torch not installed")
class FxCutPoints(unittest.TestCase):
    """find_cut_points and split_graph on torch.fx graphs."""

    def check_split(self, gm, example, is_tensor=None):
        """Cuts, blocks; running the blocks one after another must give the
        whole graph's result."""
        nodes = list(gm.graph.nodes)
        cuts = lib.find_cut_points(gm.graph, is_tensor)
        blocks = lib.blocks_from_cuts(cuts, len(nodes))
        mods = lib.split_graph(gm, nodes, blocks)
        with torch.no_grad():
            want = gm(example)
            x = example
            for m in mods:
                x = m(x)
        if isinstance(want, tuple):
            for a, b in zip(want, x):
                self.assertTrue(torch.equal(a, b))
        else:
            self.assertTrue(torch.equal(want, x))
        return cuts, blocks

    def test_hand_built_chain(self):
        g = torch.fx.Graph()
        x = g.placeholder("x")
        a = g.call_function(torch.relu, (x,))
        b = g.call_function(torch.mul, (a, 2.0))
        c = g.call_function(torch.neg, (b,))
        g.output(c)
        gm = torch.fx.GraphModule(torch.nn.Module(), g)
        cuts, blocks = self.check_split(gm, torch.randn(2, 3))
        self.assertEqual(cuts, [1, 2, 3])
        self.assertEqual(blocks, [(1, 1), (2, 2), (3, 3)])

    def test_hand_built_residual(self):
        root = torch.nn.Module()
        root.conv1 = torch.nn.Conv2d(4, 4, 3, padding=1)
        root.conv2 = torch.nn.Conv2d(4, 4, 3, padding=1)
        g = torch.fx.Graph()
        x = g.placeholder("x")
        c1 = g.call_module("conv1", (x,))
        r = g.call_function(torch.relu, (c1,))
        c2 = g.call_module("conv2", (r,))
        s = g.call_function(torch.add, (c2, c1))
        o = g.call_function(torch.relu, (s,))
        g.output(o)
        gm = torch.fx.GraphModule(root, g)
        cuts, blocks = self.check_split(gm, torch.randn(1, 4, 8, 8))
        self.assertEqual(cuts, [1, 4, 5])
        self.assertEqual(blocks, [(1, 1), (2, 4), (5, 5)])

    def test_hand_built_concatenation(self):
        g = torch.fx.Graph()
        x = g.placeholder("x")
        stem = g.call_function(torch.relu, (x,))
        b1 = g.call_function(torch.neg, (stem,))
        b2 = g.call_function(torch.mul, (stem, 3.0))
        b3a = g.call_function(torch.sigmoid, (stem,))
        b3b = g.call_function(torch.tanh, (b3a,))
        cat = g.call_function(torch.cat, ([b1, b2, b3b],), {"dim": 1})
        fc = g.call_function(torch.sum, (cat,), {"dim": 1})
        g.output(fc)
        gm = torch.fx.GraphModule(torch.nn.Module(), g)
        cuts, blocks = self.check_split(gm, torch.randn(2, 5))
        self.assertEqual(cuts, [1, 6, 7])
        self.assertEqual(blocks, [(1, 1), (2, 6), (7, 7)])

    def test_traced_residual_module(self):
        class Block(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = torch.nn.Conv2d(4, 4, 3, padding=1)
                self.bn = torch.nn.BatchNorm2d(4)
                self.conv2 = torch.nn.Conv2d(4, 4, 3, padding=1)

            def forward(self, x):
                y = self.conv2(torch.relu(self.bn(self.conv1(x))))
                return torch.relu(y + x)

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.stem = torch.nn.Conv2d(3, 4, 3, padding=1)
                self.block = Block()
                self.pool = torch.nn.AdaptiveAvgPool2d(1)

            def forward(self, x):
                return torch.flatten(self.pool(self.block(self.stem(x))), 1)

        gm = torch.fx.symbolic_trace(Net().eval())
        names = [n.name for n in gm.graph.nodes]
        cuts, blocks = self.check_split(gm, torch.randn(1, 3, 8, 8))
        # stem | conv1 bn relu conv2 add | relu | pool | flatten
        self.assertEqual([names[c] for c in cuts],
                         ["stem", "add", "relu_1", "pool", "flatten"])
        self.assertEqual(names[blocks[1][0]], "block_conv1")

    def test_size_used_later_prevents_cuts(self):
        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = torch.nn.Conv2d(3, 2, 1)

            def forward(self, x):
                n = x.size(0)
                y = torch.relu(self.conv(x))
                return y.view(n, -1)

        gm = torch.fx.symbolic_trace(Net())
        cuts, blocks = self.check_split(gm, torch.randn(2, 3, 4, 4))
        names = [n.name for n in gm.graph.nodes]
        self.assertEqual([names[c] for c in cuts], ["view"])
        self.assertEqual(len(blocks), 1)

    def test_non_tensor_value_is_not_a_cut(self):
        class Net(torch.nn.Module):
            def forward(self, x):
                parts = torch.chunk(torch.relu(x), 2, dim=1)
                return parts[0] * parts[1]

        gm = torch.fx.symbolic_trace(Net())
        example = torch.randn(2, 4)
        names = [n.name for n in gm.graph.nodes]
        structural = lib.find_cut_points(gm.graph)
        self.assertIn("chunk", [names[c] for c in structural])
        tensors = lib.tensor_nodes(gm, example)
        self.assertNotIn("chunk", tensors)
        cuts, _ = self.check_split(gm, example,
                                   lambda i: names[i] in tensors)
        self.assertEqual([names[c] for c in cuts], ["relu", "mul"])

    def test_tuple_output(self):
        class Net(torch.nn.Module):
            def forward(self, x):
                a = torch.relu(x)
                return a, torch.neg(a)

        gm = torch.fx.symbolic_trace(Net())
        cuts, blocks = self.check_split(gm, torch.randn(3))
        self.assertEqual(cuts, [1])
        self.assertEqual(blocks, [(1, 1), (2, 2)])

    def test_shape_unpacking_traces(self):
        # torch 1.13 on Python 3.11 needs lib.trace's Proxy.__iter__ fix.
        class Net(torch.nn.Module):
            def forward(self, x):
                n, c, h, w = x.shape
                return torch.relu(x).reshape(n, c * h * w)

        gm = lib.trace("net", Net())
        self.assertEqual(gm(torch.randn(2, 3, 4, 5)).shape, (2, 60))
        cuts, _ = self.check_split(gm, torch.randn(2, 3, 4, 5))
        names = [n.name for n in gm.graph.nodes]
        self.assertEqual(names[cuts[-1]], "reshape")

    def test_two_inputs_are_refused(self):
        class Net(torch.nn.Module):
            def forward(self, x, y):
                return x + y

        gm = torch.fx.symbolic_trace(Net())
        with self.assertRaises(lib.ProfileError) as cm:
            lib.find_cut_points(gm.graph)
        self.assertIn("2 inputs", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
