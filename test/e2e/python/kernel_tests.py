"""jupyter_kernel_test against the llmspell kernel (kernelspec found through JUPYTER_PATH).

Run by test/e2e/jupyter/kernel-tests.test.ts; every attribute is filled, so nothing is skipped.
"""
import unittest

import jupyter_kernel_test


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


if __name__ == "__main__":
    unittest.main(verbosity=2)
