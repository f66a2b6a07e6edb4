# mk/report.mk: comparison, charts and report (issue 4; docs/comparison.md).
# report.html names the commit it was made from, so report_html.o is rebuilt when the
# commit changes, like output.o (hc_build_commit).
$(BUILD)/obj/outputs/report_html.o: $(BUILD)/obj/%.o: src/%.c $(HEADERS) $(BUILD)/commit.h | $(BUILD)/obj
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -include $(BUILD)/commit.h -c $< -o $@
