"""Unit tests of splitsim-validate's pure parts (tools/
splitsim_validate_lib.py): cut choice, the criteria that pick one placement
in `splitsim predict`, the tc command lines, the wire format and the rows.

Run from the repository root:  python3 -m unittest discover -s tests/python
"""

import json
import os
import socket
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tools"))

import splitsim_validate_lib as vlib  # noqa: E402


class SpreadCuts(unittest.TestCase):
    def test_even_spread_includes_both_ends(self):
        self.assertEqual(vlib.spread_cuts(34, 2), [0, 33])
        self.assertEqual(vlib.spread_cuts(34, 5), [0, 8, 16, 25, 33])
        self.assertEqual(vlib.spread_cuts(11, 3), [0, 5, 10])

    def test_few_blocks_dedupe(self):
        self.assertEqual(vlib.spread_cuts(3, 5), [0, 1, 2])
        self.assertEqual(vlib.spread_cuts(1, 4), [0])
        self.assertEqual(vlib.spread_cuts(7, 1), [3])

    def test_bad(self):
        self.assertRaises(ValueError, vlib.spread_cuts, 0, 2)
        self.assertRaises(ValueError, vlib.spread_cuts, 5, 0)


class Criteria(unittest.TestCase):
    # squeezenet-like: blocks as (first_node, last_node)
    BLOCKS = [(1, 1), (2, 2), (3, 3), (4, 9), (10, 12)]

    def test_cut_zero_device_runs_nothing(self):
        self.assertEqual(vlib.predict_criteria(self.BLOCKS, 0),
                         ["-d", "-1", "-e", "1,12", "-c", "-1"])

    def test_cut_in_the_middle(self):
        self.assertEqual(vlib.predict_criteria(self.BLOCKS, 3),
                         ["-d", "3,!4", "-e", "4,12", "-c", "-1"])
        self.assertEqual(vlib.predict_criteria(self.BLOCKS, 4),
                         ["-d", "9,!10", "-e", "10,12", "-c", "-1"])

    def test_out_of_range(self):
        self.assertRaises(ValueError, vlib.predict_criteria, self.BLOCKS, 5)


class Tc(unittest.TestCase):
    def test_tbf_counts_bits_and_keeps_a_small_bucket(self):
        a = vlib.tbf_args("veth0", 20)
        self.assertEqual(a[:8], ["qdisc", "replace", "dev", "veth0", "root",
                                 "handle", "1:", "tbf"])
        self.assertEqual(a[a.index("rate") + 1], "20000000bit")
        self.assertEqual(int(a[a.index("burst") + 1]), 2 * 1514)
        # 1000 Mbit/s: a quarter millisecond of traffic
        b = vlib.tbf_args("x", 1000)
        self.assertEqual(int(b[b.index("burst") + 1]), 31250)
        self.assertGreater(int(b[b.index("limit") + 1]), 1 << 20)

    def test_netem_below_tbf(self):
        a = vlib.netem_args("veth0", 5)
        self.assertEqual(a[a.index("parent") + 1], "1:1")
        self.assertEqual(a[a.index("delay") + 1], "5.000ms")


class Wire(unittest.TestCase):
    def test_round_trip(self):
        a, b = socket.socketpair()
        payload = bytes(range(256)) * 4000  # > one socket buffer
        meta = {"shape": [1, 1000, 256]}

        def send():
            vlib.send_json(a, {"cmd": "load", "x": 1})
            a.sendall(vlib.tensor_frame(meta, len(payload)))
            a.sendall(payload)

        t = threading.Thread(target=send)
        t.start()
        self.assertEqual(vlib.recv_message(b),
                         (vlib.KIND_JSON, {"cmd": "load", "x": 1}))
        kind, (m, data) = vlib.recv_message(b)
        t.join()
        self.assertEqual(kind, vlib.KIND_TENSOR)
        self.assertEqual(m, meta)
        self.assertEqual(bytes(data), payload)
        self.assertEqual(vlib.wire_bytes(len(payload), meta),
                         len(vlib.tensor_frame(meta, len(payload))) +
                         len(payload))
        a.close()
        self.assertRaises(vlib.LinkError, vlib.recv_message, b)
        b.close()

    def test_unknown_kind(self):
        a, b = socket.socketpair()
        a.sendall(vlib.HEADER.pack(b"z", 0))
        self.assertRaises(vlib.LinkError, vlib.recv_message, b)
        a.close()
        b.close()

    def test_error_reply(self):
        a, b = socket.socketpair()
        vlib.send_json(a, {"error": "no such model"})
        with self.assertRaises(vlib.LinkError) as cm:
            vlib.expect_json(b, "load")
        self.assertIn("no such model", str(cm.exception))
        a.close()
        b.close()


class Rows(unittest.TestCase):
    def test_row_and_csv(self):
        pred = {"latency_s": 0.11, "device_s": 0.02, "edge_s": 0.05,
                "transfer_s": 0.04}
        r = vlib.row_from_samples("m", 3, 25000, 5, 0.0, pred,
                                  [0.1, 0.12, 0.1, 0.09, 0.2],
                                  [0.02] * 5, [0.05] * 5, 10)
        self.assertEqual(r["measured_s"], 0.1)
        self.assertAlmostEqual(r["error"], 0.1, places=12)
        self.assertAlmostEqual(r["measured_p10_s"], 0.094, places=12)
        text = vlib.csv_text([r])
        lines = text.splitlines()
        self.assertEqual(lines[0], ",".join(vlib.CSV_COLUMNS))
        self.assertTrue(lines[1].startswith("m,3,25000,5,0.0,0.11,0.1,"))

    def test_parse_prediction(self):
        doc = json.loads('{"results": [{"latency_s": 0.5, "transfer_s": 0.1,'
                         ' "tiers": [{"tier": "device", "compute_s": 0.1},'
                         ' {"tier": "edge", "compute_s": 0.3}]}]}')
        self.assertEqual(vlib.parse_prediction(doc),
                         {"latency_s": 0.5, "device_s": 0.1, "edge_s": 0.3,
                          "transfer_s": 0.1})
        import splitsim_profile_lib as plib
        self.assertRaises(plib.ProfileError, vlib.parse_prediction,
                          {"results": []})


if __name__ == "__main__":
    unittest.main()
