"""Tables of the ip_search schema."""

from common.database import service_metadata
from common.platform_tables import PlatformTables

metadata = service_metadata("ip_search")
platform_tables = PlatformTables.define(metadata)
