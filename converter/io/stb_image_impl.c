/* stb_image's implementation, for builds without Debian's libstb (which has it
 * compiled in): PNG and JPEG only, as image.cc reads nothing else. */
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#include "stb_image.h"
