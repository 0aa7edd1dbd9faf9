# Finds xsimd (Debian 12 ships 8.1) and repairs its CMake package: xsimdTargets.cmake names a link
# library "xtl" that the package neither provides nor looks for, so any link fails with
# "cannot find -lxtl" (xtensor-stack/xsimd#869). The SIMD headers need nothing from xtl.
if(NOT TARGET xsimd)
  find_package(xsimd 8 REQUIRED)
endif()
set_property(TARGET xsimd PROPERTY INTERFACE_LINK_LIBRARIES "")
