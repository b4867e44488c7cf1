# aitConfig.cmake: the ait package for CMake (installed as
# PREFIX/lib/cmake/ait/aitConfig.cmake).
#
#   find_package(ait 0.1 CONFIG REQUIRED)     # CMAKE_PREFIX_PATH=PREFIX
#   add_executable(app main.c)
#   ait_generate(TARGET app FILES store.ait server.ait)
#
# Gives:
#   ait::ait         the runtime: libait.a, its include directory, Threads
#   ait::ait-asan    the same built with -fsanitize=address (when installed);
#   ait::ait-tsan    with -fsanitize=thread: they add the flag to the
#                    targets that link them
#   ait::aitc        the aitc installed beside this file
#   ait_generate(TARGET tgt FILES a.ait... [ONE_RUN] [OUT dir]
#                [IMPORT_DIRS dir...] [FLAGS opt...])
#       one aitc run per file into OUT (default: a directory of tgt's own
#       in the build tree), its .c added to tgt, OUT added to tgt's PUBLIC
#       include directories, tgt linked (PUBLIC) with ait::ait unless it
#       links a sanitizer variant already. With ONE_RUN, one aitc run for
#       all the files: files that implement an interface another declares
#       are generated together, so a dyn call holds their impls' frames
#       inline, and the header of the file declaring the interface holds
#       the declarations of all (per file, such impls are boxed: their
#       frame is allocated per dyn call). Imports are tracked through
#       aitc's depfiles (Ninja and Makefiles generators); a change of
#       FLAGS or ONE_RUN regenerates everything. To share the
#       generated code between targets, generate it into a library
#       (add_library(proto STATIC), ait_generate(TARGET proto ...)) and link
#       that library from each.
# Every path is found from where this file is, so the installed tree can
# be moved.
if(CMAKE_VERSION VERSION_LESS 3.20)
    message(FATAL_ERROR "ait needs CMake 3.20 or later (DEPFILE with every generator)")
endif()

get_filename_component(_ait_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

include(CMakeFindDependencyMacro)
find_dependency(Threads)

if(NOT TARGET ait::ait)
    add_library(ait::ait STATIC IMPORTED)
    set_target_properties(ait::ait PROPERTIES
        IMPORTED_LOCATION "${_ait_prefix}/lib/libait.a"
        INTERFACE_INCLUDE_DIRECTORIES "${_ait_prefix}/include"
        INTERFACE_LINK_LIBRARIES Threads::Threads)
    foreach(_ait_san address thread)
        string(SUBSTRING ${_ait_san} 0 1 _ait_letter)
        set(_ait_lib "${_ait_prefix}/lib/libait-${_ait_letter}san.a")
        if(EXISTS "${_ait_lib}")
            add_library(ait::ait-${_ait_letter}san STATIC IMPORTED)
            set_target_properties(ait::ait-${_ait_letter}san PROPERTIES
                IMPORTED_LOCATION "${_ait_lib}"
                INTERFACE_INCLUDE_DIRECTORIES "${_ait_prefix}/include"
                INTERFACE_COMPILE_OPTIONS "-fsanitize=${_ait_san};-fno-omit-frame-pointer"
                INTERFACE_LINK_OPTIONS "-fsanitize=${_ait_san}"
                INTERFACE_LINK_LIBRARIES Threads::Threads)
        endif()
    endforeach()
endif()
if(NOT TARGET ait::aitc)
    add_executable(ait::aitc IMPORTED)
    set_target_properties(ait::aitc PROPERTIES IMPORTED_LOCATION "${_ait_prefix}/bin/aitc")
endif()

# One aitc run of INPUTS (absolute paths) into OUT, its .c and .h the
# OUTPUTS, imports tracked through DEPFILE; MT: aitc options naming the
# depfile's target; OPTIONS: the file that changes with the options.
function(_ait_run)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUT;DEPFILE;COMMENT;OPTIONS" "INPUTS;OUTPUTS;FLAGS;MT")
    # aitc leaves unchanged outputs untouched. Ninja re-reads their
    # times after the run (restat); make does not, so for make they
    # are touched, or aitc would run on every build after an edit.
    set(touch)
    if(NOT CMAKE_GENERATOR MATCHES "Ninja")
        set(touch COMMAND "${CMAKE_COMMAND}" -E touch_nocreate ${arg_OUTPUTS})
    endif()
    add_custom_command(
        OUTPUT ${arg_OUTPUTS}
        COMMAND ait::aitc ${arg_FLAGS} -o "${arg_OUT}" ${arg_MT} -MF "${arg_DEPFILE}" ${arg_INPUTS}
        ${touch}
        DEPENDS ${arg_INPUTS} "$<TARGET_FILE:ait::aitc>" "${arg_OPTIONS}"
        DEPFILE "${arg_DEPFILE}"
        COMMENT "${arg_COMMENT}"
        VERBATIM)
endfunction()

function(ait_generate)
    cmake_parse_arguments(PARSE_ARGV 0 arg "ONE_RUN" "TARGET;OUT" "FILES;IMPORT_DIRS;FLAGS")
    if(NOT arg_TARGET OR NOT arg_FILES)
        message(FATAL_ERROR "ait_generate: TARGET and FILES are required")
    endif()
    if(NOT arg_OUT)
        set(arg_OUT "${CMAKE_CURRENT_BINARY_DIR}/${arg_TARGET}.ait")
    endif()
    get_filename_component(out "${arg_OUT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
    file(MAKE_DIRECTORY "${out}")
    set(flags ${arg_FLAGS})
    foreach(dir IN LISTS arg_IMPORT_DIRS)
        get_filename_component(dir "${dir}" ABSOLUTE)
        list(APPEND flags -I "${dir}")
    endforeach()
    # Rewritten only when FLAGS or ONE_RUN change: then everything is
    # regenerated (the Makefiles generator does not compare commands, and
    # a group's headers differ from those of one run per file).
    set(options "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/ait-options-${arg_TARGET}.txt")
    file(CONFIGURE OUTPUT "${options}" CONTENT "FLAGS ${flags}\nONE_RUN ${arg_ONE_RUN}\n")
    set(inputs)
    set(sources)
    set(outputs)
    foreach(src IN LISTS arg_FILES)
        get_filename_component(abs "${src}" ABSOLUTE)
        get_filename_component(stem "${src}" NAME_WLE)
        list(APPEND inputs "${abs}")
        list(APPEND sources "${out}/${stem}.c")
        list(APPEND outputs "${out}/${stem}.c" "${out}/${stem}.h")
        if(NOT arg_ONE_RUN)
            _ait_run(OUT "${out}" OPTIONS "${options}" FLAGS ${flags} INPUTS "${abs}"
                OUTPUTS "${out}/${stem}.c" "${out}/${stem}.h"
                DEPFILE "${out}/${stem}.ait.d" COMMENT "aitc ${src}")
        endif()
    endforeach()
    if(arg_ONE_RUN)
        # One depfile for the run: every file's imports, under the first
        # output (the one the Makefiles generator gives the command).
        list(GET sources 0 first)
        list(JOIN arg_FILES " " names)
        _ait_run(OUT "${out}" OPTIONS "${options}" FLAGS ${flags} INPUTS ${inputs} OUTPUTS ${outputs}
            MT -MT "${first}" DEPFILE "${out}/ait-one-run.d" COMMENT "aitc ${names}")
    endif()
    target_sources(${arg_TARGET} PRIVATE ${sources})
    target_include_directories(${arg_TARGET} PUBLIC "${out}")
    get_target_property(libs ${arg_TARGET} LINK_LIBRARIES)
    if(NOT libs MATCHES "ait::ait")
        target_link_libraries(${arg_TARGET} PUBLIC ait::ait)
    endif()
endfunction()
