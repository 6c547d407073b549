"""What answers HTTP beyond views and API views: responses shared by both (file downloads)."""
