# cgp_warnings: an interface target carrying the project's warning flags (linked privately).
add_library(cgp_warnings INTERFACE)
target_compile_options(cgp_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
# GCC 12 reports -Wrestrict false positives inside std::string's operator+ at -O3 (GCC bug 105651).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(cgp_warnings INTERFACE -Wno-restrict)
endif()
if(CGP_WARNINGS_AS_ERRORS)
  target_compile_options(cgp_warnings INTERFACE -Werror)
endif()
