int portpick_core_anchor = 0;
