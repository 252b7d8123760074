"""The interactive dashboard (cgt-atlas dashboard): queries in queries.py, the Dash app in app.py."""
