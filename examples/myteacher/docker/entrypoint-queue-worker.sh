#!/bin/bash
# A dedicated queue-worker entrypoint. Written during the incident, never wired to any
# container: nothing starts this script.
set -e
cd /var/www/html
exec php artisan queue:work redis --sleep=3 --tries=3 --timeout=300
