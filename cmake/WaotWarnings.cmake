# Warnings are errors, for every target of the project; sanitizers on demand.
add_compile_options(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
                    -Wmissing-prototypes -Wno-unused-parameter)
# _GNU_SOURCE for the POSIX pieces we use (strdup, fileno, clock_gettime ...).
add_compile_definitions(_GNU_SOURCE)

# Sanitizers instrument the compiler, the runtime and the tests: everything
# built here but the code that is, or stands in for, compiled wasm code, and
# the runtime archives `waot build` links into standalone executables (see
# waot_without_sanitizers).  A report ends the process (no recovery), so a
# test with one fails.
set(WAOT_SANITIZE "" CACHE STRING
    "Comma-separated sanitizers to build with, e.g. address,undefined (best with clang)")
set(WAOT_SANITIZE_COMPILE_OPTIONS "")
set(WAOT_SANITIZE_LINK_OPTIONS "")
if(WAOT_SANITIZE)
  set(WAOT_SANITIZE_COMPILE_OPTIONS -fsanitize=${WAOT_SANITIZE} -fno-sanitize-recover=all)
  set(WAOT_SANITIZE_LINK_OPTIONS -fsanitize=${WAOT_SANITIZE})
  add_compile_options(${WAOT_SANITIZE_COMPILE_OPTIONS} -fno-omit-frame-pointer)
  add_link_options(${WAOT_SANITIZE_LINK_OPTIONS})
  # gcc 12's LeakSanitizer crashes ("Tracer caught signal 11") while it
  # scans the thread-local storage of dlopen()ed libraries, which waot has
  # (libLLVM in the back end); clang's runtime scans it correctly.
  if(CMAKE_C_COMPILER_ID STREQUAL "GNU" AND WAOT_SANITIZE MATCHES "address")
    message(WARNING "waot: gcc's LeakSanitizer fails on this project; configure with "
                    "CC=clang-${WAOT_LLVM_VERSION}, or run with ASAN_OPTIONS=detect_leaks=0")
  endif()
endif()

# Builds `target` as if WAOT_SANITIZE were empty.  For code that runs as
# compiled wasm code does, uninstrumented (the tests' stand-ins for it), and
# for the archives `waot build` links into executables, which must link
# without a sanitizer runtime.
function(waot_without_sanitizers target)
  if(NOT WAOT_SANITIZE)
    return()
  endif()
  foreach(property COMPILE_OPTIONS LINK_OPTIONS)
    get_target_property(options ${target} ${property})
    if(options)
      list(REMOVE_ITEM options ${WAOT_SANITIZE_COMPILE_OPTIONS} ${WAOT_SANITIZE_LINK_OPTIONS})
      set_property(TARGET ${target} PROPERTY ${property} ${options})
    endif()
  endforeach()
endfunction()

# In a sanitizer build, every test of the calling directory whose output
# holds a sanitizer report fails, whatever its exit status.  For Criterion
# suites above all: their test workers run LeakSanitizer's check as they
# exit, after their result is in, and ignore the status it leaves (and
# ThreadSanitizer reports and carries on).  The SEGV reports of the tests
# that expect a host crash (ASan's handler is the one the runtime chains
# to) do not match.  Call it after the directory's add_test()s.
function(waot_fail_tests_on_sanitizer_reports)
  if(NOT WAOT_SANITIZE)
    return()
  endif()
  get_property(tests DIRECTORY PROPERTY TESTS)
  if(tests)
    set_tests_properties(${tests} PROPERTIES FAIL_REGULAR_EXPRESSION
      "ERROR: LeakSanitizer;ERROR: AddressSanitizer: [a-z];runtime error: ;ThreadSanitizer: [a-z]")
  endif()
endfunction()
