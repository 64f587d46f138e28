"""Tables of the inspection schema."""

from common.database import service_metadata
from common.platform_tables import PlatformTables

metadata = service_metadata("inspection")
platform_tables = PlatformTables.define(metadata)
