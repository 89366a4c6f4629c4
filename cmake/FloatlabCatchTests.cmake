# floatlab_catch_tests(<target>): one ctest entry per Catch2 test case of <target>, labelled
# from the case's tags, the way Catch2's catch_discover_tests registers cases (CMake
# include files written after the build), with the tiers built in:
#   cases tagged [full]          -> label "full" (the hand-run tier)
#   every other visible case     -> label "ci"
# The lists come from the executable itself (`<exe> "~[full]" --list-test-names-only` and
# `<exe> "[full]" ...`), so a tag chosen by the preprocessor (test_fixed's sanitizer tier) is
# seen as compiled and no source is grepped. Each case is listed once, in exactly one tier,
# and runs in its own process with --warn NoTests, so a name that matched nothing would fail
# instead of passing empty. Entries are named "<target>: <case name>".
# Why not Catch2 v2's catch_discover_tests (Catch.cmake): it splits case names at ';' (a CMake
# list), and test_block and test_stochastic have such names, so their entries would run a
# prefix that matches no case and pass; it also needs one call per tier and warns at build
# time for every executable without [full] cases. This is its scheme, with those fixed.
set(FLOATLAB_CATCH_ADD_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/floatlab_catch_add.cmake CACHE INTERNAL "")

function(floatlab_catch_tests target)
  set(tests_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_tests.cmake)
  set(include_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_include.cmake)
  add_custom_command(TARGET ${target} POST_BUILD
    BYPRODUCTS ${tests_file}
    COMMAND ${CMAKE_COMMAND} -D TARGET=${target} -D EXECUTABLE=$<TARGET_FILE:${target}>
            -D WORKING_DIR=${CMAKE_CURRENT_BINARY_DIR} -D OUT=${tests_file} -P ${FLOATLAB_CATCH_ADD_SCRIPT}
    VERBATIM)
  # Not built (yet): one failing entry in both tiers, so `ctest -L ci` cannot pass without it.
  file(WRITE ${include_file}
    "if(EXISTS \"${tests_file}\")\n"
    "  include(\"${tests_file}\")\n"
    "else()\n"
    "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\n"
    "  set_tests_properties(${target}_NOT_BUILT PROPERTIES LABELS \"ci;full\")\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()
