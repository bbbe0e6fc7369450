# waot_add_wasm_library(<target> <module.wasm> [NAME <name>] [OPTIONS <opt>...])
#
# Compiles a WebAssembly module ahead of time, at build time, into a native
# object plus a typed C header, and wraps both in a static library <target>
# that a C program links like any other library:
#
#   waot_add_wasm_library(fib_wasm fib.wasm NAME fib)
#   target_link_libraries(app PRIVATE fib_wasm)   # then: #include "fib.h"
#
# It runs
#   waot compile <module.wasm> --emit obj -o <dir>/<name>.o
#                --header <dir>/<name>.h --name <name> [<opt>...]
# with <dir> = ${CMAKE_CURRENT_BINARY_DIR}/<target>.waot, which becomes the
# target's public include directory; the target links waot::runtime, which the
# generated code calls into.
#
#   NAME     the C prefix of the generated API and the file names
#            (default: the module's file name, made a C identifier)
#   OPTIONS  more `waot compile` options, e.g. -O3 or --cpu x86-64-v2 (the
#            default is this machine's CPU: pass --cpu for portable objects)
#
# The generated header is C17 with GNU extended asm (GCC or Clang, x86-64);
# strict -std=c17 compiles it as well as gnu17.
#
# A relative <module.wasm> is taken from the current source directory; pass
# an absolute path for a module generated into the binary directory.
#
# Shipped in the installed package (find_package(waot) includes it) and used
# in-tree as well: it only needs the targets waot::waot (the compiler command)
# and waot::runtime, which the package imports and the build tree aliases.
include_guard(GLOBAL)

function(waot_add_wasm_library target wasm)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "NAME" "OPTIONS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "waot_add_wasm_library: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  foreach(needed IN ITEMS waot::waot waot::runtime)
    if(NOT TARGET ${needed})
      message(FATAL_ERROR "waot_add_wasm_library: target ${needed} is not defined "
                          "(call find_package(waot) first)")
    endif()
  endforeach()

  set(name "${arg_NAME}")
  if(NOT name)
    get_filename_component(name "${wasm}" NAME_WE)
  endif()
  # The name prefixes C identifiers in the generated header.
  string(MAKE_C_IDENTIFIER "${name}" name)

  get_filename_component(wasm "${wasm}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}.waot")
  set(object "${dir}/${name}.o")
  set(header "${dir}/${name}.h")

  # Naming the executable target in COMMAND and DEPENDS makes CMake use its
  # path and rebuild the module when the compiler changes (in-tree: after it is
  # built, together with the LLVM back end it loads).
  add_custom_command(
    OUTPUT "${object}" "${header}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
    COMMAND waot::waot compile "${wasm}" --emit obj -o "${object}"
            --header "${header}" --name "${name}" ${arg_OPTIONS}
    DEPENDS "${wasm}" waot::waot
    COMMENT "waot: compiling ${wasm} to ${name}.o and ${name}.h"
    VERBATIM)

  # A static library whose only member is the generated object: a .o source is
  # taken as an external object and archived as is.  Consumers get the header's
  # directory and the runtime through the usual usage requirements, and their
  # sources are compiled only after the header exists (CMake orders them after
  # the custom commands of the libraries they link).
  # Archiving needs a linker language; the object has none, so take C, or
  # C++ in a project that enables only that.
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  set(language C)
  if(NOT "C" IN_LIST languages AND "CXX" IN_LIST languages)
    set(language CXX)
  endif()
  add_library(${target} STATIC "${object}" "${header}")
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE ${language})
  target_include_directories(${target} PUBLIC "${dir}")
  target_link_libraries(${target} PUBLIC waot::runtime)
endfunction()
