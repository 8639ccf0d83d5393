-- Debug: messages for the kernel log (level set with --trace or [logging] log_level).
Debug.info("starting", os.date("!%Y-%m-%dT%H:%M:%SZ"))
Debug.log("details at debug level", { not_shown_as_table = true })
Debug.warn("something looks odd")
Debug.error("something failed")
print("logged four messages")
