# MlpsTest.cmake - mlps_unit_tests(): one ctest per cmocka test case.
#
#   mlps_unit_tests(PREFIX FILE LIBS...)
#
# Builds tests/FILE_test.c (beside the calling CMakeLists.txt) into the
# executable PREFIX_FILE_test, linked with LIBS, mlps_strict, cmocka and
# cmn_test (common/tests/include: cmn_test/unit.h). Each
# `cmocka_unit_test(s_NAME)` line of the file becomes the ctest
# PREFIX_FILE.NAME (the s_ prefix dropped), which runs `PREFIX_FILE_test
# s_NAME`, with TIMEOUT 60 and LABELS unit. The names are read at configure
# time and the file is a configure dependency, so a new test needs no CMake
# edit. The test's main() must run only the test named in argv[1] and fail
# on a name it does not have: MLPS_TEST_RUN() of cmn_test/unit.h does.
# The caller may add to the target PREFIX_FILE_test afterwards (compile
# definitions, link options).
function(mlps_unit_tests prefix file)
  set(src "${CMAKE_CURRENT_SOURCE_DIR}/tests/${file}_test.c")
  set(exe "${prefix}_${file}_test")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${src}")
  add_executable(${exe} "${src}")
  target_link_libraries(${exe}
    PRIVATE ${ARGN} cmn_test mlps_strict PkgConfig::CMOCKA)
  file(STRINGS "${src}" lines REGEX "cmocka_unit_test\\(s_[a-z0-9_]+\\)")
  if(NOT lines)
    message(FATAL_ERROR "${src}: no cmocka_unit_test(s_NAME) lines")
  endif()
  foreach(line IN LISTS lines)
    string(REGEX REPLACE ".*cmocka_unit_test\\(s_([a-z0-9_]+)\\).*" "\\1"
           name "${line}")
    add_test(NAME ${prefix}_${file}.${name} COMMAND ${exe} s_${name})
    set_tests_properties(${prefix}_${file}.${name}
                         PROPERTIES TIMEOUT 60 LABELS unit)
  endforeach()
endfunction()
