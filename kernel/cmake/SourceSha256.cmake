# aipower_source_sha256(OUT DIR GLOB...): one SHA-256 over the files under DIR matching the globs
# (each file's path relative to DIR and the SHA-256 of its bytes, in sorted order), so that two
# builds of one version from different code say so (aipower.version_info()). Editing a hashed
# file re-runs the configure step, so the hash follows the code in incremental builds too.
function(aipower_source_sha256 out dir)
  set(globs "")
  foreach(g IN LISTS ARGN)
    list(APPEND globs "${dir}/${g}")
  endforeach()
  file(GLOB files CONFIGURE_DEPENDS ${globs})
  list(SORT files)
  set(listing "")
  foreach(f IN LISTS files)
    file(SHA256 "${f}" h)
    file(RELATIVE_PATH rel "${dir}" "${f}")
    string(APPEND listing "${rel} ${h}\n")
  endforeach()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${files})
  string(SHA256 digest "${listing}")
  set(${out} "${digest}" PARENT_SCOPE)
endfunction()
