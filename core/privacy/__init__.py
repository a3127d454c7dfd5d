"""Personal-data rights (152-FZ, GDPR): export one member's data, erase a member."""
