# Finds LLVM (the C API, as one shared library), lld and Criterion.
#
# Debian installs each LLVM version under /usr/lib/llvm-N; we look there first
# for the version asked for, so several installed versions do not collide.
set(_waot_llvm_prefix "/usr/lib/llvm-${WAOT_LLVM_VERSION}")
# LLVM's version file accepts only an exact MAJOR.MINOR request, so ask for
# none and check the major version ourselves.
find_package(LLVM REQUIRED CONFIG HINTS "${_waot_llvm_prefix}/lib/cmake/llvm")
if(LLVM_VERSION_MAJOR LESS 17)
  message(FATAL_ERROR "waot needs LLVM 17 or newer; found ${LLVM_PACKAGE_VERSION}")
endif()
message(STATUS "waot: LLVM ${LLVM_PACKAGE_VERSION} in ${LLVM_INSTALL_PREFIX}")

find_package(LLD REQUIRED CONFIG HINTS "${LLVM_INSTALL_PREFIX}/lib/cmake/lld")
find_program(WAOT_LD_LLD NAMES ld.lld-${LLVM_VERSION_MAJOR} ld.lld
             HINTS "${LLVM_INSTALL_PREFIX}/bin" REQUIRED)
message(STATUS "waot: lld ${WAOT_LD_LLD}")

# The C API lives in the one shared libLLVM; link against it rather than the
# component archives, which keeps links fast and binaries small.
add_library(waot::llvm INTERFACE IMPORTED)
target_include_directories(waot::llvm SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
target_link_directories(waot::llvm INTERFACE ${LLVM_LIBRARY_DIRS})
target_link_libraries(waot::llvm INTERFACE LLVM)

if(WAOT_TESTS)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(CRITERION REQUIRED IMPORTED_TARGET criterion)
  find_program(WAOT_WAST2JSON wast2json REQUIRED)
endif()
