"""jupyter_kernel_test against the llmspell kernel (kernelspec found through JUPYTER_PATH).

Run by test/e2e/jupyter/kernel-tests.test.ts; every attribute is filled, so nothing is skipped.
Debian ships jupyter_kernel_test 0.4.5; the newest release (0.7.0) has the same KernelTests and
adds IopubWelcomeTests (JEP 65). When the installed version lacks it, the equivalent check below
runs instead (written here, nothing vendored): a fresh client's first IOPub message is
iopub_welcome with an empty subscription, and it is a valid message.
"""
import unittest

import jupyter_kernel_test
from jupyter_client.manager import KernelManager
from jupyter_kernel_test.msgspec_v5 import msg_structure_validator


class LLMSpellKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "llmspell"
    language_name = "lua"
    file_extension = ".lua"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'io.stderr:write("to stderr\\n")'

    completion_samples = [
        {"text": "pri", "matches": {"print"}},
        {"text": "string.up", "matches": {"upper"}},
        {"text": "math.ma", "matches": {"max", "maxinteger"}},
    ]

    complete_code_samples = ["1 + 1", 'print("hi")', "x = 1", "for i = 1, 2 do end", "local t <const> = {}"]
    incomplete_code_samples = ["for i = 1, 3 do", "function f(a)\n  return a", "t = {", "s = [[long"]
    invalid_code_samples = ["x = )", "end", "return 1 2", "local = 5"]

    code_page_something = "?print"

    code_generate_error = 'error("boom")'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "6 * 7", "result": "42"},
        {"code": 'return "ab" .. "cd"', "mime": "text/plain"},
    ]

    code_display_data = [
        {"code": 'display.html("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display.markdown("# Title")', "mime": "text/markdown"},
        {"code": 'display.json({a = 1})', "mime": "application/json"},
    ]

    code_history_pattern = "1 +*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "string.format"

    code_clear_output = 'print("soon gone")\ndisplay.clear()'


if hasattr(jupyter_kernel_test, "IopubWelcomeTests"):

    class LLMSpellIopubWelcomeTests(jupyter_kernel_test.IopubWelcomeTests):
        kernel_name = "llmspell"
        support_iopub_welcome = True

else:

    class LLMSpellIopubWelcomeTests(unittest.TestCase):
        """The check jupyter_kernel_test 0.7.0's IopubWelcomeTests makes, for older installs."""

        kernel_name = "llmspell"

        @classmethod
        def setUpClass(cls):
            cls.km = KernelManager(kernel_name=cls.kernel_name)
            cls.km.start_kernel()
            cls.kc = cls.km.client()

        @classmethod
        def tearDownClass(cls):
            cls.kc.stop_channels()
            cls.km.shutdown_kernel()

        def test_recv_iopub_welcome_msg(self):
            self.kc.start_channels()
            msg = self.kc.get_iopub_msg(timeout=20)
            msg_structure_validator.validate(msg)
            self.assertEqual(msg["header"]["msg_type"], "iopub_welcome")
            self.assertEqual(msg["msg_type"], "iopub_welcome")
            # an empty topic: the client subscribed to everything
            self.assertEqual(msg["content"]["subscription"], "")


if __name__ == "__main__":
    unittest.main(verbosity=2)
