/* placeholder: being written */
#include "../util/util.h"
