# Finds what the Python module needs: a python3 that imports numpy, its development files, and
# pybind11. CGP_PYTHON defaults to ON when all are found. The first python3 on PATH may be one
# without numpy (a virtual environment, pyenv): each candidate is asked, and the first that imports
# numpy is used, unless Python3_EXECUTABLE is given.
if(NOT Python3_EXECUTABLE)
  find_program(cgp_python_on_path NAMES python3 NO_CACHE)
  foreach(candidate ${cgp_python_on_path} /usr/bin/python3)
    if(EXISTS "${candidate}")
      execute_process(COMMAND "${candidate}" -c "import numpy" RESULT_VARIABLE cgp_numpy_status
        OUTPUT_QUIET ERROR_QUIET)
      if(cgp_numpy_status EQUAL 0)
        set(Python3_EXECUTABLE "${candidate}" CACHE FILEPATH "The python3 the cgp module is built for")
        break()
      endif()
    endif()
  endforeach()
endif()
find_package(Python3 COMPONENTS Interpreter Development.Module NumPy QUIET)
find_package(pybind11 2.6 CONFIG QUIET)
set(cgp_python_default OFF)
# A sanitized module cannot be loaded by an uninstrumented python3.
if(Python3_NumPy_FOUND AND Python3_Development.Module_FOUND AND pybind11_FOUND AND NOT CGP_SANITIZE)
  set(cgp_python_default ON)
endif()
option(CGP_PYTHON "Build the Python module (import cgp; needs pybind11 and numpy)" ${cgp_python_default})
if(CGP_PYTHON)
  if(NOT (Python3_NumPy_FOUND AND pybind11_FOUND))
    message(FATAL_ERROR "CGP_PYTHON needs python3 with numpy (python3-numpy) and pybind11 (pybind11-dev); "
      "install them with scripts/install-deps.sh, or configure with -DCGP_PYTHON=OFF")
  endif()
  set(PYBIND11_FINDPYTHON ON)
  set(CGP_PYTHON_PACKAGE_DIR ${PROJECT_BINARY_DIR}/python/cgp)
  message(STATUS "cgp: Python module for ${Python3_EXECUTABLE} (${Python3_VERSION}), numpy ${Python3_NumPy_VERSION}")
else()
  message(STATUS "cgp: no Python module (CGP_PYTHON=OFF; needs python3-numpy and pybind11-dev)")
endif()
