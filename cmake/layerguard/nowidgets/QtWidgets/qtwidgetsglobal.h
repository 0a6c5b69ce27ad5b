// Layering guard: this library must not depend on Qt Widgets (DESIGN.md §2).
#error "boxoffice layering: QtWidgets may not be included from sync"
