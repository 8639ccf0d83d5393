" :LLMSpellREPL as in the guide (works without calling require('llmspell').setup()).
if exists(':LLMSpellREPL') == 0
  command! -nargs=? LLMSpellREPL execute 'terminal llmspell repl --kernel ' . (empty(<q-args>) ? 'localhost:9555' : <q-args>)
endif
