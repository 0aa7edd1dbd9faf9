# CGP_SANITIZE=address,undefined builds every target with those sanitizers (make test-asan).
if(CGP_SANITIZE)
  add_compile_options(-fsanitize=${CGP_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${CGP_SANITIZE})
endif()
