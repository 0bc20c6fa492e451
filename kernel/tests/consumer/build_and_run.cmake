# ctest's consumer_<HOW> tests: configure, build and run tests/consumer against the kernel,
# with the kernel build's compiler, build type and sanitizers.
# cmake -DHOW=find_package|add_subdirectory -DSOURCE= -DBUILD= -DPREFIX= -DKERNEL= -DCXX= -DBUILD_TYPE= -DSANITIZE= -P build_and_run.cmake
file(REMOVE_RECURSE ${BUILD})
set(configure ${CMAKE_COMMAND} -S ${SOURCE} -B ${BUILD} -DCMAKE_CXX_COMPILER=${CXX} -DAIPOWER_FROM=${HOW}
    -DCMAKE_PREFIX_PATH=${PREFIX} -DAIPOWER_KERNEL_SOURCE=${KERNEL} -DAIPOWER_SANITIZE=${SANITIZE})
if(BUILD_TYPE)
  list(APPEND configure -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
endif()
foreach(step configure build run)
  if(step STREQUAL "build")
    set(command ${CMAKE_COMMAND} --build ${BUILD})
  elseif(step STREQUAL "run")
    set(command ${BUILD}/consumer)
  else()
    set(command ${configure})
  endif()
  execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "consumer (${HOW}): ${step} failed (${status}):\n${out}")
  endif()
endforeach()
message(STATUS "consumer (${HOW}): ${out}")
