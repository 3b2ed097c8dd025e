"""Views that own their widgets: the register table and, later, editor, actions, heat map."""
