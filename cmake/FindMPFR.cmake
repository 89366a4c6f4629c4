# FindMPFR.cmake: GNU MPFR and the GMP it is built on, as imported targets.
#
#   find_package(MPFR [version] [REQUIRED])
#
# Defines
#   MPFR::MPFR     mpfr.h + libmpfr, linking GMP::GMP (MPFR's headers and library need GMP)
#   GMP::GMP       gmp.h + libgmp
#   MPFR_FOUND, MPFR_VERSION, MPFR_INCLUDE_DIR, MPFR_LIBRARY, GMP_INCLUDE_DIR, GMP_LIBRARY
# Hints: MPFR_ROOT / GMP_ROOT (CMake >= 3.12 searches <Package>_ROOT), CMAKE_PREFIX_PATH, and
# pkg-config's mpfr.pc / gmp.pc where pkg-config is installed.
# The tests, benchmarks and examples link MPFR::MPFR; the floatlab library itself never does.

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_MPFR QUIET mpfr)
  pkg_check_modules(PC_GMP QUIET gmp)
endif()

find_path(GMP_INCLUDE_DIR gmp.h HINTS ${PC_GMP_INCLUDEDIR} ${PC_GMP_INCLUDE_DIRS})
find_library(GMP_LIBRARY NAMES gmp HINTS ${PC_GMP_LIBDIR} ${PC_GMP_LIBRARY_DIRS})
find_path(MPFR_INCLUDE_DIR mpfr.h HINTS ${PC_MPFR_INCLUDEDIR} ${PC_MPFR_INCLUDE_DIRS})
find_library(MPFR_LIBRARY NAMES mpfr HINTS ${PC_MPFR_LIBDIR} ${PC_MPFR_LIBRARY_DIRS})

# The version from the header, so a version request works without pkg-config.
if(MPFR_INCLUDE_DIR AND EXISTS "${MPFR_INCLUDE_DIR}/mpfr.h")
  file(STRINGS "${MPFR_INCLUDE_DIR}/mpfr.h" _mpfr_version_line REGEX "^#define[ \t]+MPFR_VERSION_STRING[ \t]+\"")
  string(REGEX REPLACE ".*\"([^\"]*)\".*" "\\1" MPFR_VERSION "${_mpfr_version_line}")
  unset(_mpfr_version_line)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(MPFR
  REQUIRED_VARS MPFR_LIBRARY MPFR_INCLUDE_DIR GMP_LIBRARY GMP_INCLUDE_DIR
  VERSION_VAR MPFR_VERSION)

if(MPFR_FOUND)
  if(NOT TARGET GMP::GMP)
    add_library(GMP::GMP UNKNOWN IMPORTED)
    set_target_properties(GMP::GMP PROPERTIES
      IMPORTED_LOCATION "${GMP_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${GMP_INCLUDE_DIR}")
  endif()
  if(NOT TARGET MPFR::MPFR)
    add_library(MPFR::MPFR UNKNOWN IMPORTED)
    set_target_properties(MPFR::MPFR PROPERTIES
      IMPORTED_LOCATION "${MPFR_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${MPFR_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES GMP::GMP)
  endif()
endif()
mark_as_advanced(MPFR_INCLUDE_DIR MPFR_LIBRARY GMP_INCLUDE_DIR GMP_LIBRARY)
