"""Cases from report to call-back: intake, bulk transfer, the read model, the workflow, attachments."""
