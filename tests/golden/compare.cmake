# Runs one golden test: `decree ARGS INPUT EXTRA` from the source folder, captures what it prints
# (stdout, then stderr) and its exit code, and compares that with INPUT's `.expected` file. For
# checks whose arguments are not one input file (the counterfactual scenarios), give no INPUT and
# name the expectation with EXPECTED instead. With the environment variable UPDATE_GOLDEN=1 it
# writes the expectation (review the change by eye before committing it).
#   cmake -DDECREE=... -DSOURCE_DIR=... -DINPUT=rel/path -DARGS="check" -P compare.cmake
#   cmake -DDECREE=... -DSOURCE_DIR=... -DEXPECTED=rel/path.expected -DARGS="diff a b cases" -P compare.cmake
# With STDIN=rel/path, that file is fed to decree through a pipe (`-` or /dev/stdin in ARGS reads it).
# With STATUS=N, the exit status must be N (checked before comparing, and before writing).
separate_arguments(arg_list UNIX_COMMAND "${ARGS}")
set(feed)
if(STDIN)
  set(feed COMMAND ${CMAKE_COMMAND} -E cat ${SOURCE_DIR}/${STDIN})
endif()
set(input_args ${INPUT})
if(EXTRA)
  separate_arguments(extra_list UNIX_COMMAND "${EXTRA}")
  list(APPEND input_args ${extra_list})
endif()
execute_process(
  ${feed}
  COMMAND ${CMAKE_COMMAND} -E env NO_COLOR=1 COLUMNS=100 ${DECREE} ${arg_list} ${input_args}
  WORKING_DIRECTORY ${SOURCE_DIR}
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE code)
set(actual "${out}${err}exit: ${code}\n")
if(DEFINED STATUS AND NOT code STREQUAL STATUS)
  message(FATAL_ERROR "decree ${ARGS} exited with ${code}, not ${STATUS}:\n${out}${err}")
endif()
if(EXPECTED)
  set(expected_file "${SOURCE_DIR}/${EXPECTED}")
else()
  string(REGEX REPLACE "\\.[^./]+$" ".expected" expected_file "${SOURCE_DIR}/${INPUT}")
endif()
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
