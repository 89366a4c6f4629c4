# Post-build step of floatlab_catch_tests (FloatlabCatchTests.cmake): lists the Catch2 cases of
# EXECUTABLE per tier and writes their add_test calls to OUT. Run with cmake -P.
set(script "")
set(listed 0)
foreach(tier ci full)
  if(tier STREQUAL "ci")
    set(spec "~[full]")
  else()
    set(spec "[full]")
  endif()
  execute_process(COMMAND "${EXECUTABLE}" "${spec}" --list-test-names-only
    OUTPUT_VARIABLE output RESULT_VARIABLE result WORKING_DIRECTORY "${WORKING_DIR}")
  # Catch2 v2 exits with the number of cases listed; anything else is a crash.
  if(NOT result MATCHES "^[0-9]+$")
    message(FATAL_ERROR "${EXECUTABLE} ${spec} --list-test-names-only failed: ${result}\n${output}")
  endif()
  # One name per line; split by hand (a CMake list would not split inside "[...]").
  while(NOT output STREQUAL "")
    string(FIND "${output}" "\n" eol)
    if(eol EQUAL -1)
      set(name "${output}")
      set(output "")
    else()
      string(SUBSTRING "${output}" 0 ${eol} name)
      math(EXPR eol "${eol} + 1")
      string(SUBSTRING "${output}" ${eol} -1 output)
    endif()
    if(name STREQUAL "")
      continue()
    endif()
    # The name as a Catch2 test spec: backslash-escape what the spec parser reads specially.
    set(spec_name "${name}")
    foreach(char "\\" "," "[" "]" "*" "\"" "~")
      string(REPLACE "${char}" "\\${char}" spec_name "${spec_name}")
    endforeach()
    # ctest splits names at ';' (its list separator): show those as ',' in the entry's name;
    # the Catch2 spec in the command (a bracket argument) keeps the exact name.
    string(REPLACE ";" "," test "${TARGET}: ${name}")
    math(EXPR listed "${listed} + 1")
    string(APPEND script
      "add_test([==[${test}]==] [==[${EXECUTABLE}]==] [==[${spec_name}]==] --warn NoTests)\n"
      "set_tests_properties([==[${test}]==] PROPERTIES LABELS ${tier} WORKING_DIRECTORY [==[${WORKING_DIR}]==])\n")
  endwhile()
endforeach()
# Every visible case is in exactly one tier: the two lists together are the whole list.
execute_process(COMMAND "${EXECUTABLE}" --list-test-names-only
  OUTPUT_VARIABLE all RESULT_VARIABLE all_result WORKING_DIRECTORY "${WORKING_DIR}")
string(REGEX REPLACE "[^\n]" "" all_newlines "${all}")  # one line per case
string(LENGTH "${all_newlines}" all_count)
if(NOT all_count EQUAL listed)
  message(FATAL_ERROR "${EXECUTABLE}: ${listed} cases in the ci and full tiers, ${all_count} in all")
endif()
file(WRITE "${OUT}" "${script}")
