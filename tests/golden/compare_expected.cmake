# Runs `decree ARGS` from the source folder and compares what it prints (stdout, then stderr) and
# its exit code with the file EXPECTED, as compare.cmake does for golden suites; for checks whose
# arguments are not one input file (the counterfactual scenarios). UPDATE_GOLDEN=1 writes it.
#   cmake -DDECREE=... -DSOURCE_DIR=... -DEXPECTED=rel/path.expected -DARGS="diff a b cases" -P compare_expected.cmake
separate_arguments(arg_list UNIX_COMMAND "${ARGS}")
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env NO_COLOR=1 COLUMNS=100 ${DECREE} ${arg_list}
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE code)
set(actual "${out}${err}exit: ${code}\n")
set(expected_file "${SOURCE_DIR}/${EXPECTED}")
if("$ENV{UPDATE_GOLDEN}" STREQUAL "1")
  file(WRITE "${expected_file}" "${actual}")
  message(STATUS "wrote ${expected_file}")
  return()
endif()
if(NOT EXISTS "${expected_file}")
  message(FATAL_ERROR "no expectation ${expected_file}; run with UPDATE_GOLDEN=1 and review it.\nactual output:\n${actual}")
endif()
file(READ "${expected_file}" expected)
if(NOT actual STREQUAL expected)
  string(RANDOM LENGTH 8 tag)
  set(actual_file "${CMAKE_CURRENT_BINARY_DIR}/golden-actual-${tag}.txt")
  file(WRITE "${actual_file}" "${actual}")
  execute_process(COMMAND diff -u "${expected_file}" "${actual_file}" OUTPUT_VARIABLE diff_text)
  file(REMOVE "${actual_file}")
  message(FATAL_ERROR "output differs from ${expected_file}:\n${diff_text}")
endif()
