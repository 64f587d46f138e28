"""The registry of commodity safety marks and certificates, and the officers' actions on them."""
