"""splitsim-profile replaces only files splitsim wrote (issue 17.1): the
manifest it shares with the C side (common/ss_manifest.h), without torch.

Run from the repository root:  python3 -m unittest discover -s tests/python"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                     "tools")
sys.path.insert(0, TOOLS)

import splitsim_profile_lib as lib  # noqa: E402


class Outputs(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_only_own_files_replaced(self):
        a, b = self.path("s.csv"), self.path("s.json")
        lib.check_may_write([a, b], False)  # absent: fine
        lib.write_atomically([(a, "one\n"), (b, "{}\n")])
        lib.record_written([a, b])
        self.assertEqual(sorted(os.listdir(self.dir)),
                         ["s.csv", "s.json", lib.MANIFEST])
        lib.check_may_write([a, b], False)  # ours, unchanged
        with open(a, "a") as f:  # the user edits it: no longer ours
            f.write("edit\n")
        with self.assertRaises(lib.ProfileError) as cm:
            lib.check_may_write([a, b], False)
        self.assertIn("splitsim did not write it", str(cm.exception))
        lib.check_may_write([a, b], True)

    def test_foreign_file_survives_the_command(self):
        notes = self.path("cpu.csv")
        with open(notes, "w") as f:
            f.write("my notes\n")
        r = subprocess.run(
            [sys.executable, os.path.join(TOOLS, "splitsim-profile"),
             "--system", "cpu", "--models", "squeezenet1_1",
             "--out", self.dir], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cpu.csv exists and splitsim did not write it",
                      r.stderr)
        with open(notes) as f:
            self.assertEqual(f.read(), "my notes\n")
        self.assertEqual(os.listdir(self.dir), ["cpu.csv"])


if __name__ == "__main__":
    unittest.main()
