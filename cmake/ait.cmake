# ait.cmake: generate C from .ait files in a CMake build.
#
#   include(/usr/local/share/ait/ait.cmake)
#   ait_generate(GEN_SRCS store.ait service.ait)
#   add_executable(app main.c ${GEN_SRCS})
#   target_include_directories(app PRIVATE ${AIT_GENERATED_DIR} /usr/local/include)
#   target_link_libraries(app PRIVATE /usr/local/lib/libait.a pthread)
#
# ait_generate(OUT_VAR FILE.ait...) adds one custom command per file that
# runs aitc into ${CMAKE_CURRENT_BINARY_DIR}/ait (AIT_GENERATED_DIR), and
# sets OUT_VAR to the generated .c files. Imports are tracked through the
# depfile aitc writes (CMake 3.20 or later for Makefile generators). Set
# AITC_EXECUTABLE or AIT_FLAGS (a list) to override the defaults.

find_program(AITC_EXECUTABLE aitc REQUIRED)
set(AIT_GENERATED_DIR ${CMAKE_CURRENT_BINARY_DIR}/ait)

function(ait_generate out_var)
    set(outdir ${AIT_GENERATED_DIR})
    file(MAKE_DIRECTORY ${outdir})
    set(sources)
    foreach(src IN LISTS ARGN)
        get_filename_component(abs ${src} ABSOLUTE)
        get_filename_component(stem ${src} NAME_WE)
        set(c ${outdir}/${stem}.c)
        set(h ${outdir}/${stem}.h)
        set(dep ${outdir}/${stem}.ait.d)
        set(depfile_args)
        if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.20 OR CMAKE_GENERATOR MATCHES "Ninja")
            set(depfile_args DEPFILE ${dep})
        endif()
        add_custom_command(
            OUTPUT ${c} ${h}
            COMMAND ${AITC_EXECUTABLE} ${AIT_FLAGS} -o ${outdir} -MF ${dep} ${abs}
            DEPENDS ${abs}
            ${depfile_args}
            COMMENT "aitc ${src}"
            VERBATIM)
        list(APPEND sources ${c})
    endforeach()
    set(${out_var} ${sources} PARENT_SCOPE)
endfunction()
