// Layering guard: this library must not depend on Qt GUI (DESIGN.md §2).
#error "boxoffice layering: QtGui/QtWidgets may not be included from core"
