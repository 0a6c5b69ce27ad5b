// Compiled with the include paths of core or sync; the build of this file must fail
// (DESIGN.md §2: no widgets below ui/). CTest runs the build with WILL_FAIL.
#include <QtWidgets/QWidget>

int probe()
{
    return sizeof(QWidget);
}
