# cgp_add_plugin(<name> <source>... [NO_SIMD_VARIANTS])
#
# Builds an optimizer plugin <name>.so from sources that use CGP_REGISTER_OPTIMIZER, with the same
# settings as cgp's own plugins: C++20, hidden visibility, only the entry symbol exported (version
# script), undefined symbols refused at link time (-z defs), no floating-point contraction (so the
# SIMD and scalar forms of an update agree bit for bit). On x86-64 the sources are compiled three
# times: a baseline (SSE2) that holds the entry symbol, and AVX2+FMA and AVX-512F variants that the
# baseline picks at run time when the CPU has them. Set CGP_PLUGIN_OUTPUT_DIRECTORY to choose where
# the .so lands.
set(_CGP_SDK_PLUGIN_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

function(cgp_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "NO_SIMD_VARIANTS" "" "")
  set(sources ${ARG_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "cgp_add_plugin(${name}): no source files given")
  endif()

  set(common_options -ffp-contract=off)
  add_library(${name} MODULE ${sources})
  target_link_libraries(${name} PRIVATE cgp::sdk)
  target_compile_options(${name} PRIVATE ${common_options})
  set_target_properties(${name} PROPERTIES
    PREFIX "" SUFFIX ".so"
    CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE
    "LINKER:-z,defs"
    "LINKER:--version-script=${_CGP_SDK_PLUGIN_CMAKE_DIR}/cgp-plugin.version")
  if(CGP_PLUGIN_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CGP_PLUGIN_OUTPUT_DIRECTORY})
  endif()

  if(NOT ARG_NO_SIMD_VARIANTS AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
    set(variant_flags_avx2 -mavx2 -mfma)
    set(variant_flags_avx512f -mavx512f -mavx2 -mfma)
    foreach(variant avx2 avx512f)
      add_library(${name}_${variant} OBJECT ${sources})
      target_link_libraries(${name}_${variant} PRIVATE cgp::sdk)
      target_compile_definitions(${name}_${variant} PRIVATE CGP_SDK_VARIANT=${variant})
      target_compile_options(${name}_${variant} PRIVATE ${common_options} ${variant_flags_${variant}})
      set_target_properties(${name}_${variant} PROPERTIES
        CXX_EXTENSIONS OFF
        POSITION_INDEPENDENT_CODE ON
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON)
      target_sources(${name} PRIVATE $<TARGET_OBJECTS:${name}_${variant}>)
    endforeach()
    target_compile_definitions(${name} PRIVATE
      "CGP_SDK_VARIANTS=(CGP_ISA_AVX2|CGP_ISA_FMA3|CGP_ISA_AVX512F)")
  endif()
endfunction()
