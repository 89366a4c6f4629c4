# Per-file compile options and compile-only checks of the test suite.

# fesetround must be honoured: no constant folding under the default mode.
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/test_hardware_agreement.cpp PROPERTIES COMPILE_OPTIONS -frounding-math)
