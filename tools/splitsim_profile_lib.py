"""Library behind tools/splitsim-profile: find valid cut points in a torch.fx
graph, split the graph into blocks, time each block on its real input and
write splitsim's measured CSV + JSON sidecar (docs/formats.md).

The cut-point logic (cut_points_from_uses, blocks_from_cuts) is plain Python;
everything else imports torch lazily, so this module can be imported (and
its pure functions tested) without PyTorch.
"""

import csv
import datetime
import hashlib
import importlib
import importlib.util
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time

CSV_COLUMNS = [
    "system", "model", "block", "first_node", "last_node", "first_node_name",
    "last_node_name", "time_s_median", "time_s_p10", "time_s_p90", "repeats",
    "output_bytes", "output_shape", "samples_s",
]

DTYPES = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}
TIERS = ("device", "edge", "cloud")
METHOD = ("torch.fx trace; valid cut = single tensor crossing; each block "
          "timed on its real input; median of repeats")


class ProfileError(Exception):
    """A user-facing error: the message is printed as is, exit status 1."""


# ---- cut points (pure Python) ----

def cut_points_from_uses(n_nodes, users, is_cut_value=None):
    """Valid cut points of a graph whose nodes 0..n_nodes-1 are in
    topological order. users[i] lists the indices of the nodes that use
    node i's output (all > i). Node c is a valid cut when c's output is the
    only value made at or before c that is used after c, and c's output is
    used after c. The first node (the input) and the last node (the output)
    are never returned. is_cut_value(i), when given, can veto a cut (e.g. when
    the value is not a tensor). Returns the sorted list of cut indices."""
    last_use = []
    for i in range(n_nodes):
        us = users[i]
        for u in us:
            if u <= i:
                raise ValueError("node %d is used by node %d: not in "
                                 "topological order" % (i, u))
        last_use.append(max(us) if us else -1)
    cuts = []
    reach = -1  # the latest use of any value made before the current node
    for c in range(n_nodes):
        if (0 < c < n_nodes - 1 and reach <= c and last_use[c] > c
                and (is_cut_value is None or is_cut_value(c))):
            cuts.append(c)
        reach = max(reach, last_use[c])
    return cuts


def blocks_from_cuts(cuts, n_nodes):
    """Blocks as (first, last) node ranges, inclusive: from node 1 (after
    the input) to node n_nodes-2 (before the output), ending at each cut.
    The last block always ends at n_nodes-2, even when that node is not a
    cut (e.g. the model returns a tuple)."""
    if n_nodes < 3:
        raise ValueError("a graph needs an input, an output and at least one "
                         "node in between")
    blocks, first = [], 1
    for c in cuts:
        if c < first or c > n_nodes - 2:
            raise ValueError("cut %d out of order or out of range" % c)
        blocks.append((first, c))
        first = c + 1
    if first <= n_nodes - 2:
        blocks.append((first, n_nodes - 2))
    return blocks


def graph_uses(graph):
    """(nodes, users) of a torch.fx.Graph: the node list in graph order and,
    per node, the indices of its users."""
    nodes = list(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    users = [sorted(index[u] for u in n.users) for n in nodes]
    return nodes, users


def find_cut_points(graph, is_cut_value=None):
    """Valid cut points of a torch.fx.Graph, as node indices (see
    cut_points_from_uses). The graph must have exactly one placeholder, as
    its first node, and end with its output node."""
    nodes, users = graph_uses(graph)
    check_graph_shape(nodes)
    return cut_points_from_uses(len(nodes), users, is_cut_value)


def check_graph_shape(nodes):
    ph = [n for n in nodes if n.op == "placeholder"]
    if len(ph) != 1 or nodes[0].op != "placeholder":
        raise ProfileError(
            "the model takes %d inputs (%s); splitsim-profile needs a model "
            "with exactly one input tensor" %
            (len(ph), ", ".join(n.name for n in ph) or "none"))
    if nodes[-1].op != "output":
        raise ProfileError("the traced graph does not end with its output")
    if len(nodes) < 3:
        raise ProfileError("the traced graph has no operations")


# ---- statistics and formatting ----

def percentile(samples, q):
    """q-th percentile (0..100) with linear interpolation between order
    statistics (numpy's default)."""
    s = sorted(samples)
    if not s:
        raise ValueError("no samples")
    pos = (len(s) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def summarize(samples):
    return {
        "median": statistics.median(samples),
        "p10": percentile(samples, 10),
        "p90": percentile(samples, 90),
    }


def fmt_time(x):
    """Shortest text that reads back to the same double."""
    return repr(float(x))


def shape_text(shape):
    return "x".join(str(int(d)) for d in shape)


# ---- torch side ----

def import_torch():
    try:
        import torch  # noqa: F401
        import torch.fx  # noqa: F401
    except ImportError as e:
        raise ProfileError(
            "PyTorch is not installed for %s (%s). Install it: on Debian/"
            "Ubuntu run 'sh tools/install-torch.sh' (python3-torch, "
            "python3-torchvision), elsewhere follow https://pytorch.org" %
            (sys.executable, e))
    return torch


def tensor_bytes(t):
    return t.numel() * t.element_size()


def value_size(v):
    """(bytes, shape text) of a block output: a tensor, or a tuple/list/dict
    of tensors (only the model's final output may be one)."""
    import torch
    if isinstance(v, torch.Tensor):
        return tensor_bytes(v), shape_text(v.shape)
    if isinstance(v, dict):
        v = list(v.values())
    if isinstance(v, (tuple, list)):
        parts = [value_size(x) for x in v]
        return (sum(p[0] for p in parts),
                "+".join(p[1] for p in parts if p[1]))
    return 0, ""


def default_input_shape(name):
    # torchvision's Inception v3 expects 299x299; everything else 224x224.
    return (3, 299, 299) if name == "inception_v3" else (3, 224, 224)


def parse_input_shape(text):
    try:
        dims = tuple(int(d) for d in text.lower().split("x"))
    except ValueError:
        dims = ()
    if not dims or any(d <= 0 for d in dims):
        raise ProfileError("--input-shape: expected sizes like 3x224x224 "
                           "(without the batch), found '%s'" % text)
    return dims


def load_model(spec):
    """(name, module, input_shape or None) for a torchvision model name or a
    user's [NAME=]module:function (function() returns an nn.Module, or a
    (module, example_input_shape) pair). Random weights: nothing is
    downloaded."""
    import torch
    alias = None
    if "=" in spec:
        alias, spec = spec.split("=", 1)
    name = alias or spec
    if ":" in spec:
        modname, func = spec.rsplit(":", 1)
        name = alias or func
        try:
            if modname.endswith(".py") or os.sep in modname:
                mspec = importlib.util.spec_from_file_location(
                    os.path.splitext(os.path.basename(modname))[0], modname)
                if mspec is None:
                    raise ImportError("cannot load %s" % modname)
                mod = importlib.util.module_from_spec(mspec)
                mspec.loader.exec_module(mod)
            else:
                if "" not in sys.path and os.getcwd() not in sys.path:
                    sys.path.insert(0, os.getcwd())
                mod = importlib.import_module(modname)
        except Exception as e:
            raise ProfileError("model '%s': cannot import %s: %s" %
                               (name, modname, e))
        fn = getattr(mod, func, None)
        if not callable(fn):
            raise ProfileError("model '%s': %s has no function '%s'" %
                               (name, modname, func))
        try:
            got = fn()
        except Exception as e:
            raise ProfileError("model '%s': %s:%s() failed: %s" %
                               (name, modname, func, e))
        shape = None
        if isinstance(got, tuple) and len(got) == 2:
            got, shape = got
            shape = tuple(int(d) for d in shape)
        if not isinstance(got, torch.nn.Module):
            raise ProfileError("model '%s': %s:%s() returned %s, not a "
                               "torch.nn.Module" %
                               (name, modname, func, type(got).__name__))
        return name, got, shape
    try:
        import torchvision
        import torchvision.models as tvm
    except ImportError as e:
        raise ProfileError("torchvision is not installed (%s); install "
                           "python3-torchvision (sh tools/install-torch.sh)" %
                           e)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if hasattr(tvm, "get_model"):
                model = tvm.get_model(spec, weights=None)
            else:
                fn = getattr(tvm, spec, None)
                if not callable(fn) or spec.startswith("_"):
                    raise ValueError("unknown model")
                model = fn(pretrained=False)
        except (ValueError, KeyError, AttributeError) as e:
            known = ""
            if hasattr(tvm, "list_models"):
                known = " (torchvision %s has: %s)" % (
                    torchvision.__version__,
                    ", ".join(sorted(tvm.list_models(module=tvm))))
            raise ProfileError("unknown model '%s': %s%s" % (spec, e, known))
    return name, model, None


def patch_fx_proxy_iter():
    """torch.fx before PyTorch 2.0 finds the bytecode instruction that
    iterates a Proxy (e.g. `n, c, h, w = x.shape`) by f_lasti // 2, which is
    wrong on Python 3.11 (inline caches): tracing then fails with "Proxy
    object cannot be iterated" (Debian 12: torch 1.13 + Python 3.11). Look
    the instruction up by its offset instead."""
    import torch
    import torch.fx.proxy as fxp
    if sys.version_info < (3, 11) or getattr(fxp.Proxy.__iter__,
                                             "_splitsim_fixed", False):
        return
    try:
        major = int(torch.__version__.split(".")[0])
    except ValueError:
        return
    if major >= 2:
        return
    import dis
    import inspect

    def proxy_iter(self):
        frame = inspect.currentframe().f_back
        for inst in dis.get_instructions(frame.f_code):
            if inst.offset == frame.f_lasti:
                if inst.opname == "UNPACK_SEQUENCE":
                    return (self[i] for i in range(inst.argval))
                break
        return self.tracer.iter(self)

    proxy_iter._splitsim_fixed = True
    fxp.Proxy.__iter__ = proxy_iter


def trace(name, model):
    import torch.fx
    patch_fx_proxy_iter()
    try:
        return torch.fx.symbolic_trace(model)
    except Exception as e:
        msg = str(e).strip().splitlines()
        raise ProfileError(
            "model '%s' cannot be traced with torch.fx: %s: %s (splitsim-"
            "profile needs a model without data-dependent control flow)" %
            (name, type(e).__name__, msg[0] if msg else ""))


def tensor_nodes(gm, example):
    """Runs the traced model once; returns the set of node names whose value
    is a single tensor."""
    import torch
    import torch.fx
    names = set()

    class Recorder(torch.fx.Interpreter):
        def run_node(self, n):
            v = super().run_node(n)
            if isinstance(v, torch.Tensor):
                names.add(n.name)
            return v

    Recorder(gm).run(example)
    return names


def split_graph(gm, nodes, blocks):
    """One GraphModule per block: it takes the previous cut's value and
    returns the value of its last node (the last block returns the model's
    output)."""
    import torch.fx
    out_node = nodes[-1]
    mods = []
    for first, last in blocks:
        g = torch.fx.Graph()
        env = {nodes[first - 1]: g.placeholder("x")}

        def look(n, first=first, last=last):
            if n not in env:
                raise ProfileError(
                    "internal error: block %d..%d uses node %s from outside "
                    "(not a valid cut)" % (first, last, n.name))
            return env[n]

        for n in nodes[first:last + 1]:
            env[n] = g.node_copy(n, look)
        if last == len(nodes) - 2:
            g.output(torch.fx.graph.map_arg(out_node.args[0], look))
        else:
            g.output(env[nodes[last]])
        g.lint()
        mods.append(torch.fx.GraphModule(gm, g))
    return mods


class Timer:
    """Times fn(x) on the CPU (perf_counter) or on a CUDA device (events)."""

    def __init__(self, device):
        import torch
        self.torch = torch
        self.cuda = device.type == "cuda"

    def sync(self):
        if self.cuda:
            self.torch.cuda.synchronize()

    def run(self, fn, x, warmup, repeats):
        """(samples in seconds, the output of the last run)."""
        torch = self.torch
        out = None
        for _ in range(warmup):
            out = fn(x)
        self.sync()
        samples = []
        for _ in range(repeats):
            if self.cuda:
                start = torch.cuda.Event(enable_timing=True)
                end = torch.cuda.Event(enable_timing=True)
                torch.cuda.synchronize()
                start.record()
                out = fn(x)
                end.record()
                end.synchronize()
                samples.append(start.elapsed_time(end) / 1000.0)
            else:
                t0 = time.perf_counter()
                out = fn(x)
                t1 = time.perf_counter()
                samples.append(t1 - t0)
        return samples, out


class SplitModel:
    """A model traced, moved to its device and split into blocks: name,
    gm (the traced GraphModule), nodes, blocks ((first, last) node ranges),
    example (the input tensor), model (the original module)."""


def prepare_model(spec, input_shape, batch, device, dtype):
    """Loads, traces and splits one model (see profile_model). input_shape
    overrides the model's own; the example input is seeded, so every
    process that prepares the same model gets the same blocks and input."""
    import torch
    name, model, shape = load_model(spec)
    if input_shape:
        shape = input_shape
    if shape is None:
        shape = default_input_shape(spec.split("=")[-1])
    model.eval()
    gm = trace(name, model)
    nodes = list(gm.graph.nodes)
    check_graph_shape(nodes)
    gen = torch.Generator().manual_seed(0)
    example = torch.randn((batch,) + tuple(shape), generator=gen)
    try:
        model = model.to(device=device, dtype=dtype)
        gm = gm.to(device=device, dtype=dtype)
        # Constants that tracing stored as plain attributes (not parameters
        # or buffers) are not moved by Module.to().
        for attr, val in list(vars(gm).items()):
            if isinstance(val, torch.Tensor):
                setattr(gm, attr, val.to(device=device, dtype=dtype)
                        if val.is_floating_point() else val.to(device))
        example = example.to(device=device, dtype=dtype)
    except Exception as e:
        raise ProfileError("model '%s': cannot move it to %s as %s: %s" %
                           (name, device, dtype, e))
    with torch.inference_mode():
        try:
            tensors = tensor_nodes(gm, example)
        except Exception as e:
            raise ProfileError(
                "model '%s': running it on %s as %s failed: %s: %s" %
                (name, device, dtype, type(e).__name__,
                 str(e).strip().splitlines()[0] if str(e).strip() else ""))
    cuts = find_cut_points(gm.graph, lambda i: nodes[i].name in tensors)
    sm = SplitModel()
    sm.name, sm.model, sm.gm, sm.nodes = name, model, gm, nodes
    sm.blocks = blocks_from_cuts(cuts, len(nodes))
    sm.example = example
    return sm


def split_at_block(sm, cut_block):
    """(head, tail): GraphModules running blocks 0..cut_block-1 and
    cut_block..B-1 of a SplitModel; head is None when cut_block is 0 (the
    input itself is sent), tail None when cut_block is B."""
    nb = len(sm.blocks)
    if not 0 <= cut_block <= nb:
        raise ProfileError("model '%s': cut block %d out of range 0..%d" %
                           (sm.name, cut_block, nb))
    parts = []
    if cut_block > 0:
        parts.append((sm.blocks[0][0], sm.blocks[cut_block - 1][1]))
    if cut_block < nb:
        parts.append((sm.blocks[cut_block][0], sm.blocks[-1][1]))
    mods = split_graph(sm.gm, sm.nodes, parts)
    head = mods.pop(0) if cut_block > 0 else None
    tail = mods.pop(0) if cut_block < nb else None
    return head, tail


def profile_model(spec, opts, device, dtype, log=None):
    """Profiles one model. Returns (name, rows, summary): rows are dicts with
    the CSV columns but 'system', summary is the JSON entry of the model."""
    import torch
    sm = prepare_model(spec, opts.input_shape, opts.batch, device, dtype)
    name, model, gm, nodes = sm.name, sm.model, sm.gm, sm.nodes
    blocks, example = sm.blocks, sm.example
    timer = Timer(device)
    with torch.inference_mode():
        mods = split_graph(gm, nodes, blocks)
        rows = []
        x = example
        for b, ((first, last), mod) in enumerate(zip(blocks, mods)):
            samples, out = timer.run(mod, x, opts.warmup, opts.repeats)
            st = summarize(samples)
            nbytes, oshape = value_size(out)
            rows.append({
                "model": name, "block": b, "first_node": first,
                "last_node": last, "first_node_name": nodes[first].name,
                "last_node_name": nodes[last].name,
                "time_s_median": st["median"], "time_s_p10": st["p10"],
                "time_s_p90": st["p90"], "repeats": len(samples),
                "output_bytes": nbytes, "output_shape": oshape,
                "samples_s": samples,
            })
            x = out
        whole, _ = timer.run(model, example, opts.warmup, opts.repeats)
    whole_med = statistics.median(whole)
    sum_blocks = sum(r["time_s_median"] for r in rows)
    summary = {
        "blocks": len(rows),
        "nodes": len(nodes),
        "whole_model_median_s": whole_med,
        "sum_of_blocks_median_s": sum_blocks,
        "additivity_ratio": sum_blocks / whole_med if whole_med > 0 else None,
        "whole_model_samples_s": whole,
        "input_bytes": tensor_bytes(example),
        "input_shape": list(example.shape),
    }
    if log:
        log("%s: %d blocks (%d nodes), sum of blocks %.6g s, whole model "
            "%.6g s, ratio %s" % (name, len(rows), len(nodes), sum_blocks,
                                  whole_med,
                                  "%.3f" % summary["additivity_ratio"]
                                  if summary["additivity_ratio"] else "-"))
    return name, rows, summary


# ---- provenance ----

def cpu_name():
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            info = f.read()
    except OSError:
        info = ""
    keys = ("model name", "Model", "Hardware", "cpu model", "Processor")
    for key in keys:
        for line in info.splitlines():
            k, _, v = line.partition(":")
            if k.strip() == key and v.strip():
                return v.strip()
    return platform.processor() or platform.machine() or None


def board_name():
    try:
        with open("/proc/device-tree/model", "rb") as f:
            return f.read().rstrip(b"\0\n").decode("utf-8", "replace") or None
    except OSError:
        return None


def provenance(opts, device):
    import torch
    tv = None
    if "torchvision" in sys.modules:
        tv = sys.modules["torchvision"].__version__
    else:  # only user modules: do not import torchvision just for this
        try:
            import importlib.metadata
            tv = importlib.metadata.version("torchvision")
        except Exception:
            tv = None
    prov = {
        "system": opts.system,
        "device": device.type,
        "threads": torch.get_num_threads(),
        "cpu": cpu_name(),
        "gpu": (torch.cuda.get_device_name(device)
                if device.type == "cuda" else None),
        "torch": torch.__version__,
        "torchvision": tv,
        "dtype": DTYPES[opts.dtype],
        "batch": opts.batch,
        "reps": opts.repeats,
        "warmup": opts.warmup,
        "date": datetime.datetime.now(datetime.timezone.utc).date()
        .isoformat(),
    }
    if opts.tier:
        prov["tier"] = opts.tier
    board = board_name()
    if board:
        prov["board"] = board
    prov["machine"] = platform.machine()
    prov["python"] = platform.python_version()
    if device.type == "cuda":
        prov["cuda"] = torch.version.cuda
        prov["cudnn"] = torch.backends.cudnn.version()
        prov["cudnn_benchmark"] = bool(torch.backends.cudnn.benchmark)
        prov["timing"] = "cuda events"
    else:
        prov["timing"] = "time.perf_counter"
    prov["tool"] = "splitsim-profile"
    return prov


# ---- output ----

def csv_text(system, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([
            system, r["model"], r["block"], r["first_node"], r["last_node"],
            r["first_node_name"], r["last_node_name"],
            fmt_time(r["time_s_median"]), fmt_time(r["time_s_p10"]),
            fmt_time(r["time_s_p90"]), r["repeats"], r["output_bytes"],
            r["output_shape"], ";".join(fmt_time(s) for s in r["samples_s"]),
        ])
    return buf.getvalue()


def json_text(prov, models):
    doc = dict(prov)
    doc["models"] = models
    doc["method"] = METHOD
    return json.dumps(doc, indent=1, allow_nan=False) + "\n"


MANIFEST = "splitsim-manifest.txt"
MANIFEST_HEADER = ("# splitsim manifest 1: the files splitsim wrote in this "
                   "folder; it replaces or removes only these\n")


def read_manifest(folder):
    """{name: sha256 or ""} of folder's splitsim-manifest.txt ({} when
    there is none; an unreadable or malformed one lists nothing)."""
    out = {}
    try:
        with open(os.path.join(folder, MANIFEST), encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                sha, sep, name = line.partition(" ")
                if not sep or not name:
                    return {}
                out[name] = "" if sha == "-" else sha
    except (OSError, UnicodeDecodeError):
        return {}
    return out


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def check_may_write(paths, force):
    """Refuse (ProfileError) to replace a file splitsim did not write: an
    existing path must be listed in its folder's manifest with the SHA-256
    of what it holds now, unless force."""
    if force:
        return
    for path in paths:
        if not os.path.lexists(path):
            continue
        folder, name = os.path.split(os.path.abspath(path))
        sha = read_manifest(folder).get(name)
        try:
            ours = bool(sha) and os.path.isfile(path) and \
                file_sha256(path) == sha
        except OSError:
            ours = False
        if not ours:
            raise ProfileError(
                "%s exists and splitsim did not write it; nothing was "
                "written (choose another --out, or pass --force to replace "
                "it)" % path)


def record_written(paths):
    """Add paths (one folder) with their SHA-256 to the folder's manifest."""
    folder = os.path.dirname(os.path.abspath(paths[0]))
    entries = read_manifest(folder)
    for path in paths:
        entries[os.path.basename(path)] = file_sha256(path)
    text = MANIFEST_HEADER + "".join(
        "%s %s\n" % (sha or "-", name) for name, sha in sorted(entries.items()))
    write_atomically([(os.path.join(folder, MANIFEST), text)])


def write_atomically(files):
    """files: [(path, text)]. Each is written to a temporary file in its
    folder and renamed into place only after all were written."""
    temps = []
    try:
        for path, text in files:
            d = os.path.dirname(os.path.abspath(path))
            os.makedirs(d, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".splitsim-tmp-",
                                       suffix="." + os.path.basename(path),
                                       dir=d)
            temps.append((tmp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)
        for tmp, path in temps:
            os.replace(tmp, path)
    except OSError as e:
        for tmp, _ in temps:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise ProfileError("cannot write %s: %s" %
                           (e.filename or "output", e.strerror or e))
