# Warnings are errors, for every target of the project; sanitizers on demand.
add_compile_options(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
                    -Wmissing-prototypes -Wno-unused-parameter)
# _GNU_SOURCE for the POSIX pieces we use (strdup, fileno, clock_gettime ...).
add_compile_definitions(_GNU_SOURCE)

set(WAOT_SANITIZE "" CACHE STRING
    "Comma-separated sanitizers to build with, e.g. address,undefined")
if(WAOT_SANITIZE)
  add_compile_options(-fsanitize=${WAOT_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${WAOT_SANITIZE})
endif()
