# Per-file compile options and compile-only checks of the test suite.

# fesetround must be honoured: no constant folding under the default mode.
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/test_hardware_agreement.cpp PROPERTIES COMPILE_OPTIONS -frounding-math)

# expansions
# Error-free transforms must survive a compiler that fuses a*b + c (test_eft_contract.cpp
# also compiles its callers for FMA hardware on x86 through a target attribute).
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/test_eft_contract.cpp PROPERTIES COMPILE_OPTIONS -ffp-contract=fast)
