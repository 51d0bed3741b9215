"""Head review of handling results (PRODUCT §3): in a department with head approval
switched on, a handler proposes the result and the department head approves it (it
then goes to the intake officer) or sends it back to the handler with a reason."""
