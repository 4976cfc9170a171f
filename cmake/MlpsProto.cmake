# mlps_protobuf_c(OUT_VAR SRC_ROOT a.proto ...): protoc-c each proto (a path
# relative to SRC_ROOT) into the current binary dir; OUT_VAR gets the .c/.h.
function(mlps_protobuf_c out_var src_root)
  set(outs "")
  foreach(p IN LISTS ARGN)
    string(REGEX REPLACE "\\.proto$" "" stem "${p}")
    set(c "${CMAKE_CURRENT_BINARY_DIR}/${stem}.pb-c.c")
    set(h "${CMAKE_CURRENT_BINARY_DIR}/${stem}.pb-c.h")
    add_custom_command(
      OUTPUT "${c}" "${h}"
      COMMAND ${PROTOC_C} "--proto_path=${src_root}"
              "--c_out=${CMAKE_CURRENT_BINARY_DIR}" "${src_root}/${p}"
      DEPENDS "${src_root}/${p}"
      COMMENT "protoc-c ${p}")
    list(APPEND outs "${c}" "${h}")
  endforeach()
  set(${out_var} "${outs}" PARENT_SCOPE)
endfunction()
