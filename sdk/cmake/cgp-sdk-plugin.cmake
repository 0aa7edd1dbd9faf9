# cgp_add_plugin(<name> <source>... [NO_SIMD_VARIANTS])
#
# Builds an optimizer plugin <name>.so from sources that use CGP_REGISTER_OPTIMIZER, with the same
# settings as cgp's own plugins: C++20, hidden visibility, only the entry symbol exported (version
# script), undefined symbols refused at link time (-z defs), no floating-point contraction (so the
# SIMD and scalar forms of an update agree bit for bit). On x86-64 the sources are compiled three
# times: a baseline (SSE2) that holds the entry symbol, and AVX2+FMA and AVX-512F variants that the
# baseline picks at run time when the CPU has them. Set CGP_PLUGIN_OUTPUT_DIRECTORY to choose where
# the .so lands.
#
# Compile definitions, options and include directories given to <name> (before or after this call)
# reach every variant too, so all forms of the update are compiled alike. Flags that break the
# contract are refused when the project is configured: -ffast-math (and -Ofast,
# -funsafe-math-optimizations), which changes results between forms and sets flush-to-zero for the
# whole host, and -march=native/-mtune=native, which builds code only the build machine can run.
set(_CGP_SDK_PLUGIN_CMAKE_DIR ${CMAKE_CURRENT_LIST_DIR})

# Checks, at the end of the directory that called cgp_add_plugin(name), every flag that reaches it.
function(_cgp_refuse_plugin_flags name)
  string(TOUPPER "${CMAKE_BUILD_TYPE}" config)
  get_target_property(options ${name} COMPILE_OPTIONS)
  get_directory_property(directory_options COMPILE_OPTIONS)
  set(flags "${CMAKE_CXX_FLAGS} ${CMAKE_CXX_FLAGS_${config}} ${options} ${directory_options}")
  foreach(bad -ffast-math -Ofast -funsafe-math-optimizations -march=native -mtune=native)
    string(FIND "${flags}" "${bad}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "cgp_add_plugin(${name}): the flag ${bad} is refused: it breaks the plugin contract "
        "(-ffast-math and its kin change results between the SIMD and scalar forms and switch flush-to-zero on "
        "for the whole host; -march=native builds code only this machine can run).\n"
        "hint: remove ${bad} from CMAKE_CXX_FLAGS and the target's options; cgp_add_plugin already adds AVX2 "
        "and AVX-512 variants chosen at run time")
    endif()
  endforeach()
endfunction()

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
  # (A deferred call's arguments are expanded when it runs: EVAL puts the name in now.)
  cmake_language(EVAL CODE "cmake_language(DEFER CALL _cgp_refuse_plugin_flags [[${name}]])")
  if(CGP_PLUGIN_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CGP_PLUGIN_OUTPUT_DIRECTORY})
  endif()

  if(NOT ARG_NO_SIMD_VARIANTS AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
    set(variant_flags_avx2 -mavx2 -mfma)
    set(variant_flags_avx512f -mavx512f -mavx2 -mfma)
    foreach(variant avx2 avx512f)
      add_library(${name}_${variant} OBJECT ${sources})
      target_link_libraries(${name}_${variant} PRIVATE cgp::sdk)
      # Everything the plugin target is given, also later, then the variant's own settings.
      target_compile_definitions(${name}_${variant} PRIVATE
        $<TARGET_PROPERTY:${name},COMPILE_DEFINITIONS> CGP_SDK_VARIANT=${variant})
      target_compile_options(${name}_${variant} PRIVATE
        $<TARGET_PROPERTY:${name},COMPILE_OPTIONS> ${variant_flags_${variant}})
      target_include_directories(${name}_${variant} PRIVATE $<TARGET_PROPERTY:${name},INCLUDE_DIRECTORIES>)
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
