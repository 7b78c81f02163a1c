"""Measures as a record (issue 18): extracted events merged into measures, a measure's status on
any date, the alerts a new event raises and the reminders before a date. Pure functions over
``MeasureEvent``s; storage (``storage.measures``) and the tasks (``tasks.measures``) call them."""
