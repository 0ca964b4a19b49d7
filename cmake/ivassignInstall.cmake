# cmake/ivassignInstall.cmake — `cmake --install build --prefix P` installs the public headers, the
# library, the `ivassign` CLI and the CMake package (P/lib/cmake/ivassign), so that a consumer writes
#   find_package(ivassign CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE ivassign::ivassign)
# The public headers need nothing but the standard library; OpenMP, simdjson and the CUDA runtime
# are private link details. A static library (the default) still carries them to the consumer's
# link line ($<LINK_ONLY:...> in the export), so the config file finds exactly those, as built.
include(CMakePackageConfigHelpers)

set(IVASSIGN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/ivassign" CACHE STRING
    "Where the CMake package (ivassignConfig.cmake) is installed, relative to the prefix")
mark_as_advanced(IVASSIGN_INSTALL_CMAKEDIR)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ivassign
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(TARGETS ivassign EXPORT ivassignTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ivassign_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
get_target_property(_ivassign_type ivassign TYPE)
if(_ivassign_type STREQUAL "SHARED_LIBRARY")
  # -DBUILD_SHARED_LIBS=ON: the installed CLI finds the installed library next to it
  set_target_properties(ivassign_cli PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
endif()
install(EXPORT ivassignTargets NAMESPACE ivassign:: DESTINATION ${IVASSIGN_INSTALL_CMAKEDIR})

# What the config file must find: the private link dependencies a static library exports.
set(IVASSIGN_PACKAGE_STATIC OFF)
if(_ivassign_type STREQUAL "STATIC_LIBRARY")
  set(IVASSIGN_PACKAGE_STATIC ON)
endif()
set(IVASSIGN_PACKAGE_NEEDS_OPENMP OFF)
set(IVASSIGN_PACKAGE_NEEDS_SIMDJSON OFF)
set(IVASSIGN_PACKAGE_NEEDS_CUDATOOLKIT OFF)
set(IVASSIGN_PACKAGE_CUDATOOLKIT_ROOT "")
if(IVASSIGN_PACKAGE_STATIC)
  if(OpenMP_CXX_FOUND)
    set(IVASSIGN_PACKAGE_NEEDS_OPENMP ON)
  endif()
  if(simdjson_FOUND)
    set(IVASSIGN_PACKAGE_NEEDS_SIMDJSON ON)
  endif()
  if(IVASSIGN_DEVICE_SYSTEM STREQUAL "CUDA")
    set(IVASSIGN_PACKAGE_NEEDS_CUDATOOLKIT ON)
    if(CUDAToolkit_BIN_DIR)
      get_filename_component(IVASSIGN_PACKAGE_CUDATOOLKIT_ROOT "${CUDAToolkit_BIN_DIR}" DIRECTORY)
    endif()
  endif()
endif()

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ivassignConfig.cmake.in
  ${PROJECT_BINARY_DIR}/ivassignConfig.cmake
  INSTALL_DESTINATION ${IVASSIGN_INSTALL_CMAKEDIR})
# 0.x: only the same minor version is compatible (the API may change between 0.x releases).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ivassignConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ivassignConfig.cmake ${PROJECT_BINARY_DIR}/ivassignConfigVersion.cmake
        DESTINATION ${IVASSIGN_INSTALL_CMAKEDIR})
