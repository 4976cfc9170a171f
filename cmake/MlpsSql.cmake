# mlps_embed_sql(TARGET NAME DIR): compile every DIR/*.sql, in name order,
# into TARGET as a const table `cmn_migration_t NAME[]` (NULL-terminated), so
# a service binary carries its own migrations.
function(mlps_embed_sql target name dir)
  file(GLOB sql_files CONFIGURE_DEPENDS "${dir}/*.sql")
  list(SORT sql_files)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${name}_sql.c")
  # A list would split into separate arguments: pass it joined with '|'.
  string(REPLACE ";" "|" files_arg "${sql_files}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DNAME=${name} -DOUT=${out}
            "-DFILES=${files_arg}" -P "${PROJECT_SOURCE_DIR}/cmake/embed_sql.cmake"
    DEPENDS ${sql_files} "${PROJECT_SOURCE_DIR}/cmake/embed_sql.cmake"
    COMMENT "Embedding SQL migrations ${name}"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
