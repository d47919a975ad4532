<?php

return [

    'mailgun' => [
        'domain' => env('MAILGUN_DOMAIN'),
        'secret' => env('MAILGUN_SECRET'),
        'endpoint' => env('MAILGUN_ENDPOINT', 'api.mailgun.net'),
        'scheme' => 'https',
    ],

    // Avatar generation (StableDiffusionService). Each of these is assigned to a typed
    // property: a missing variable is "Cannot assign null to property ...".
    'replicate' => [
        'api_token' => env('REPLICATE_API_TOKEN'),
        'model_version' => env('REPLICATE_MODEL_VERSION'),
        'model_version_v2' => env('REPLICATE_MODEL_VERSION_V2'),
        'model_version_v3' => env('REPLICATE_MODEL_VERSION_V3'),
        'transparent_model_version' => env('REPLICATE_TRANSPARENT_MODEL_VERSION'),
        'max_polling_attempts' => env('REPLICATE_MAX_POLLING_ATTEMPTS'),
        'polling_interval' => env('REPLICATE_POLLING_INTERVAL'),
    ],

];
