# What `cmake --install` puts where, and the package that lets other projects
# use the installed tree (find_package(waot) or pkg-config).  Included at the
# end of the top-level CMakeLists.txt, once every target exists.
#
#   bin/waot                          the command
#   lib/waot/libwaot-codegen.so       the LLVM back end, loaded by `waot` at run time
#   lib/waot/libwaot_runtime.a        the runtime (no LLVM)
#   lib/waot/libwaot_exe.a            main() of the executables `waot build` links
#   lib/waot/libwaot_aot.a            the front end, once it has a public header
#   include/waot/*.h                  the public headers (runtime-lib/include/,
#                                     aot/include/ when it exists)
#   lib/cmake/waot/                   waotConfig.cmake, waotConfigVersion.cmake,
#                                     waotTargets*.cmake, WaotWasm.cmake
#   lib/pkgconfig/waot.pc             the runtime for pkg-config
#
# The libraries live in a private lib/waot rather than lib/ because that is
# where the `waot` command looks for its back end and the archives it links
# (../lib/waot relative to its own path: aot/codegen_loader.c,
# cli/cmd_build.c).  For the same reason the directories are fixed and not
# taken from GNUInstallDirs: a multiarch libdir would break that lookup.
# The install() rules of the targets themselves sit beside the targets
# (aot/, runtime-lib/, cli/) and must use these same directories.
include(CMakePackageConfigHelpers)

set(WAOT_INSTALL_BINDIR bin)
set(WAOT_INSTALL_LIBDIR lib)
set(WAOT_INSTALL_PRIVATE_LIBDIR lib/waot)
set(WAOT_INSTALL_INCLUDEDIR include)
set(WAOT_INSTALL_CMAKEDIR lib/cmake/waot)

# Exported targets get short names: waot::runtime, waot::exe, waot::waot.
# The runtime exported is the one installed: waot_runtime, or in a sanitizer
# build its uninstrumented twin (runtime-lib/CMakeLists.txt).
set_target_properties(${WAOT_SHIPPED_RUNTIME} PROPERTIES EXPORT_NAME runtime)
set_target_properties(waot_exe PROPERTIES EXPORT_NAME exe)
# The same names inside this build, so that WaotWasm.cmake and in-tree users
# are written once against the package's names.
add_library(waot::runtime ALIAS waot_runtime)
add_executable(waot::waot ALIAS waot)
include(WaotWasm)

# A target's include directories point into the source tree; an exported
# target must name include/waot instead.  Keep the source paths for the build
# tree (BUILD_INTERFACE) and add the installed one.
function(_waot_export_include_dirs target)
  get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  set(result "")
  foreach(dir IN LISTS dirs)
    if(dir MATCHES "^\\$<")
      list(APPEND result "${dir}")
    elseif(dir)
      list(APPEND result "$<BUILD_INTERFACE:${dir}>")
    endif()
  endforeach()
  list(APPEND result "$<INSTALL_INTERFACE:${WAOT_INSTALL_INCLUDEDIR}/waot>")
  set_property(TARGET ${target} PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${result}")
endfunction()
_waot_export_include_dirs(${WAOT_SHIPPED_RUNTIME})

# The headers: the whole folder, so headers added later ship without a change
# here.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/runtime-lib/include/"
        DESTINATION "${WAOT_INSTALL_INCLUDEDIR}/waot"
        FILES_MATCHING PATTERN "*.h")

# The front end is installed only once it has a public header (aot/include/);
# until then its headers are internal and a library without them is useless.
if(EXISTS "${PROJECT_SOURCE_DIR}/aot/include")
  set_target_properties(waot_aot PROPERTIES EXPORT_NAME compiler)
  _waot_export_include_dirs(waot_aot)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/aot/include/"
          DESTINATION "${WAOT_INSTALL_INCLUDEDIR}/waot"
          FILES_MATCHING PATTERN "*.h")
  install(TARGETS waot_aot EXPORT waotTargets
          ARCHIVE DESTINATION "${WAOT_INSTALL_PRIVATE_LIBDIR}")
endif()

# The back end links libLLVM from LLVM's own folder (/usr/lib/llvm-N/lib on
# Debian); keep that folder in its installed RUNPATH as the build tree does,
# or dlopen() of the installed copy could pick another LLVM or none.
set_target_properties(waot_codegen PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)

# The package: targets, version, config and the wasm helper.
install(EXPORT waotTargets NAMESPACE waot::
        DESTINATION "${WAOT_INSTALL_CMAKEDIR}")
configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/waotConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/waotConfig.cmake"
  INSTALL_DESTINATION "${WAOT_INSTALL_CMAKEDIR}"
  PATH_VARS WAOT_INSTALL_PRIVATE_LIBDIR)
# 0.x: a new minor version may change the ABI, so only the same minor matches.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/waotConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)
install(FILES
          "${PROJECT_BINARY_DIR}/waotConfig.cmake"
          "${PROJECT_BINARY_DIR}/waotConfigVersion.cmake"
          "${CMAKE_CURRENT_LIST_DIR}/WaotWasm.cmake"
        DESTINATION "${WAOT_INSTALL_CMAKEDIR}")

configure_file("${CMAKE_CURRENT_LIST_DIR}/waot.pc.in" "${PROJECT_BINARY_DIR}/waot.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/waot.pc"
        DESTINATION "${WAOT_INSTALL_LIBDIR}/pkgconfig")
