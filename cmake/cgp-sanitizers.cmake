# CGP_SANITIZE=address,undefined builds every target with those sanitizers (make test-asan).
# Line tables (-g1) are all the sanitizers' reports need; full debug info doubles the objects and
# adds a fifth to the compile time of the suite's slowest step.
if(CGP_SANITIZE)
  add_compile_options(-fsanitize=${CGP_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all -g1)
  add_link_options(-fsanitize=${CGP_SANITIZE})
endif()
