"""Tables of the investment schema."""

from common.database import service_metadata
from common.platform_tables import PlatformTables

metadata = service_metadata("investment")
platform_tables = PlatformTables.define(metadata)
