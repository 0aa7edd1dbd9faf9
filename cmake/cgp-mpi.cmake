# Finds MPI for cgp-sweep's runs across ranks (mpirun -np N cgp-sweep ...). CGP_MPI defaults to ON
# when an MPI C library is found (Debian: libopenmpi-dev, openmpi-bin), OFF in a sanitizer build:
# Open MPI's own allocations, never freed, trip LeakSanitizer. Without it cgp-sweep runs on one
# machine, and --shard I/N with cgp-sweep merge serves the array jobs of any scheduler.
# The C API from C++: no deprecated MPI C++ bindings (libmpi_cxx).
set(MPI_CXX_SKIP_MPICXX ON CACHE BOOL "Use MPI's C API only")
find_package(MPI COMPONENTS CXX QUIET)
set(cgp_mpi_default OFF)
if(MPI_CXX_FOUND AND NOT CGP_SANITIZE)
  set(cgp_mpi_default ON)
endif()
option(CGP_MPI "Build cgp-sweep with MPI (mpirun -np N cgp-sweep; needs libopenmpi-dev)" ${cgp_mpi_default})
if(CGP_MPI)
  if(NOT MPI_CXX_FOUND)
    message(FATAL_ERROR "CGP_MPI needs an MPI library (libopenmpi-dev, openmpi-bin); install them with "
      "scripts/install-deps.sh, or configure with -DCGP_MPI=OFF")
  endif()
  message(STATUS "cgp: cgp-sweep with MPI ${MPI_CXX_VERSION} (${MPIEXEC_EXECUTABLE})")
else()
  message(STATUS "cgp: cgp-sweep without MPI (CGP_MPI=OFF; needs libopenmpi-dev)")
endif()
